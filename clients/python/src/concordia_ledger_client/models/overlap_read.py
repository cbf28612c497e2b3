from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OverlapRead")


@_attrs_define
class OverlapRead:
    """One of this node's grantees that other coalition nodes fund for the same purpose.

    Attributes:
        identifier (str):
        organisation_id (UUID):
        name (str):
        funded_elsewhere_by (list[str]): The nodes whose ledgers fund it too (latest run with each).
        checked_at (datetime.datetime): When the latest run found it.
    """

    identifier: str
    organisation_id: UUID
    name: str
    funded_elsewhere_by: list[str]
    checked_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        identifier = self.identifier

        organisation_id = str(self.organisation_id)

        name = self.name

        funded_elsewhere_by = self.funded_elsewhere_by

        checked_at = self.checked_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "identifier": identifier,
                "organisation_id": organisation_id,
                "name": name,
                "funded_elsewhere_by": funded_elsewhere_by,
                "checked_at": checked_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        identifier = d.pop("identifier")

        organisation_id = UUID(d.pop("organisation_id"))

        name = d.pop("name")

        funded_elsewhere_by = cast(list[str], d.pop("funded_elsewhere_by"))

        checked_at = datetime.datetime.fromisoformat(d.pop("checked_at"))

        overlap_read = cls(
            identifier=identifier,
            organisation_id=organisation_id,
            name=name,
            funded_elsewhere_by=funded_elsewhere_by,
            checked_at=checked_at,
        )

        overlap_read.additional_properties = d
        return overlap_read

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
