from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OrganisationRead")


@_attrs_define
class OrganisationRead:
    """An organisation.

    Attributes:
        id (UUID):
        version (int):
        external_id (None | str):
        identifier (str):
        name (str):
        type_ (str):
        focus (list[str]):
        languages (list[str]):
        represents (list[str]):
        regions_of_focus (list[str]):
        registration_country (str):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    version: int
    external_id: str | None
    identifier: str
    name: str
    type_: str
    focus: list[str]
    languages: list[str]
    represents: list[str]
    regions_of_focus: list[str]
    registration_country: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        version = self.version

        external_id: str | None
        external_id = self.external_id

        identifier = self.identifier

        name = self.name

        type_ = self.type_

        focus = self.focus

        languages = self.languages

        represents = self.represents

        regions_of_focus = self.regions_of_focus

        registration_country = self.registration_country

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "version": version,
                "external_id": external_id,
                "identifier": identifier,
                "name": name,
                "type": type_,
                "focus": focus,
                "languages": languages,
                "represents": represents,
                "regions_of_focus": regions_of_focus,
                "registration_country": registration_country,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        version = d.pop("version")

        def _parse_external_id(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        external_id = _parse_external_id(d.pop("external_id"))

        identifier = d.pop("identifier")

        name = d.pop("name")

        type_ = d.pop("type")

        focus = cast(list[str], d.pop("focus"))

        languages = cast(list[str], d.pop("languages"))

        represents = cast(list[str], d.pop("represents"))

        regions_of_focus = cast(list[str], d.pop("regions_of_focus"))

        registration_country = d.pop("registration_country")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        organisation_read = cls(
            id=id,
            version=version,
            external_id=external_id,
            identifier=identifier,
            name=name,
            type_=type_,
            focus=focus,
            languages=languages,
            represents=represents,
            regions_of_focus=regions_of_focus,
            registration_country=registration_country,
            created_at=created_at,
            updated_at=updated_at,
        )

        organisation_read.additional_properties = d
        return organisation_read

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
