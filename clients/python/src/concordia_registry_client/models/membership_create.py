from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="MembershipCreate")


@_attrs_define
class MembershipCreate:
    """A person joins an organisation.

    Attributes:
        person_id (UUID):
        role (str):
        since (datetime.date | None | Unset):
    """

    person_id: UUID
    role: str
    since: datetime.date | Unset | None = UNSET

    def to_dict(self) -> dict[str, Any]:
        person_id = str(self.person_id)

        role = self.role

        since: str | Unset | None
        if isinstance(self.since, Unset):
            since = UNSET
        elif isinstance(self.since, datetime.date):
            since = self.since.isoformat()
        else:
            since = self.since

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "person_id": person_id,
                "role": role,
            }
        )
        if since is not UNSET:
            field_dict["since"] = since

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        person_id = UUID(d.pop("person_id"))

        role = d.pop("role")

        def _parse_since(data: object) -> datetime.date | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                since_type_0 = datetime.date.fromisoformat(data)

                return since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        since = _parse_since(d.pop("since", UNSET))

        membership_create = cls(
            person_id=person_id,
            role=role,
            since=since,
        )

        return membership_create
