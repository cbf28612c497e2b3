from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ConsentRead")


@_attrs_define
class ConsentRead:
    """A consent and, if withdrawn, when.

    Attributes:
        id (UUID):
        person_id (UUID):
        purpose (str):
        basis (str):
        given_at (datetime.datetime):
        withdrawn_at (datetime.datetime | None):
    """

    id: UUID
    person_id: UUID
    purpose: str
    basis: str
    given_at: datetime.datetime
    withdrawn_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        person_id = str(self.person_id)

        purpose = self.purpose

        basis = self.basis

        given_at = self.given_at.isoformat()

        withdrawn_at: str | None
        if isinstance(self.withdrawn_at, datetime.datetime):
            withdrawn_at = self.withdrawn_at.isoformat()
        else:
            withdrawn_at = self.withdrawn_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "person_id": person_id,
                "purpose": purpose,
                "basis": basis,
                "given_at": given_at,
                "withdrawn_at": withdrawn_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        person_id = UUID(d.pop("person_id"))

        purpose = d.pop("purpose")

        basis = d.pop("basis")

        given_at = datetime.datetime.fromisoformat(d.pop("given_at"))

        def _parse_withdrawn_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                withdrawn_at_type_0 = datetime.datetime.fromisoformat(data)

                return withdrawn_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        withdrawn_at = _parse_withdrawn_at(d.pop("withdrawn_at"))

        consent_read = cls(
            id=id,
            person_id=person_id,
            purpose=purpose,
            basis=basis,
            given_at=given_at,
            withdrawn_at=withdrawn_at,
        )

        consent_read.additional_properties = d
        return consent_read

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
