from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DonorRead")


@_attrs_define
class DonorRead:
    """A donor.

    Attributes:
        id (UUID):
        version (int):
        identifier (str):
        name (str):
        type_ (str):
        country (str):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    version: int
    identifier: str
    name: str
    type_: str
    country: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        version = self.version

        identifier = self.identifier

        name = self.name

        type_ = self.type_

        country = self.country

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "version": version,
                "identifier": identifier,
                "name": name,
                "type": type_,
                "country": country,
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

        identifier = d.pop("identifier")

        name = d.pop("name")

        type_ = d.pop("type")

        country = d.pop("country")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        donor_read = cls(
            id=id,
            version=version,
            identifier=identifier,
            name=name,
            type_=type_,
            country=country,
            created_at=created_at,
            updated_at=updated_at,
        )

        donor_read.additional_properties = d
        return donor_read

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
