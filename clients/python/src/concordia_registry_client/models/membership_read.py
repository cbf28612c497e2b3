from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MembershipRead")


@_attrs_define
class MembershipRead:
    """A membership.

    Attributes:
        person_id (UUID):
        organisation_id (UUID):
        role (str):
        since (datetime.date | None):
    """

    person_id: UUID
    organisation_id: UUID
    role: str
    since: datetime.date | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        person_id = str(self.person_id)

        organisation_id = str(self.organisation_id)

        role = self.role

        since: str | None
        if isinstance(self.since, datetime.date):
            since = self.since.isoformat()
        else:
            since = self.since

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "person_id": person_id,
                "organisation_id": organisation_id,
                "role": role,
                "since": since,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        person_id = UUID(d.pop("person_id"))

        organisation_id = UUID(d.pop("organisation_id"))

        role = d.pop("role")

        def _parse_since(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                since_type_0 = datetime.date.fromisoformat(data)

                return since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        since = _parse_since(d.pop("since"))

        membership_read = cls(
            person_id=person_id,
            organisation_id=organisation_id,
            role=role,
            since=since,
        )

        membership_read.additional_properties = d
        return membership_read

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
