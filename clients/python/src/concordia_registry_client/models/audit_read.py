from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AuditRead")


@_attrs_define
class AuditRead:
    """One audit entry.

    Attributes:
        seq (int):
        at (datetime.datetime):
        token_id (str):
        token_name (str):
        action (str):
        person_id (UUID):
        purpose (None | str):
        owner (None | str | Unset): The calling token's owner.
    """

    seq: int
    at: datetime.datetime
    token_id: str
    token_name: str
    action: str
    person_id: UUID
    purpose: str | None
    owner: str | Unset | None = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seq = self.seq

        at = self.at.isoformat()

        token_id = self.token_id

        token_name = self.token_name

        action = self.action

        person_id = str(self.person_id)

        purpose: str | None
        purpose = self.purpose

        owner: str | Unset | None
        if isinstance(self.owner, Unset):
            owner = UNSET
        else:
            owner = self.owner

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "seq": seq,
                "at": at,
                "token_id": token_id,
                "token_name": token_name,
                "action": action,
                "person_id": person_id,
                "purpose": purpose,
            }
        )
        if owner is not UNSET:
            field_dict["owner"] = owner

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        seq = d.pop("seq")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        token_id = d.pop("token_id")

        token_name = d.pop("token_name")

        action = d.pop("action")

        person_id = UUID(d.pop("person_id"))

        def _parse_purpose(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        purpose = _parse_purpose(d.pop("purpose"))

        def _parse_owner(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        owner = _parse_owner(d.pop("owner", UNSET))

        audit_read = cls(
            seq=seq,
            at=at,
            token_id=token_id,
            token_name=token_name,
            action=action,
            person_id=person_id,
            purpose=purpose,
            owner=owner,
        )

        audit_read.additional_properties = d
        return audit_read

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
