from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="FollowUp")


@_attrs_define
class FollowUp:
    """One action a decision asks for: who acts (a member, by role), by when, and if done.

    Attributes:
        action (str): What is to be done.
        actor (str): The member who acts: `state:se`, `donor:fund-a`.
        due (datetime.date | None | Unset): By when.
        done_at (datetime.datetime | None | Unset): When it was reported done.
    """

    action: str
    actor: str
    due: datetime.date | Unset | None = UNSET
    done_at: datetime.datetime | Unset | None = UNSET

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        actor = self.actor

        due: str | Unset | None
        if isinstance(self.due, Unset):
            due = UNSET
        elif isinstance(self.due, datetime.date):
            due = self.due.isoformat()
        else:
            due = self.due

        done_at: str | Unset | None
        if isinstance(self.done_at, Unset):
            done_at = UNSET
        elif isinstance(self.done_at, datetime.datetime):
            done_at = self.done_at.isoformat()
        else:
            done_at = self.done_at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "action": action,
                "actor": actor,
            }
        )
        if due is not UNSET:
            field_dict["due"] = due
        if done_at is not UNSET:
            field_dict["done_at"] = done_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = d.pop("action")

        actor = d.pop("actor")

        def _parse_due(data: object) -> datetime.date | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                due_type_0 = datetime.date.fromisoformat(data)

                return due_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        due = _parse_due(d.pop("due", UNSET))

        def _parse_done_at(data: object) -> datetime.datetime | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                done_at_type_0 = datetime.datetime.fromisoformat(data)

                return done_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        done_at = _parse_done_at(d.pop("done_at", UNSET))

        follow_up = cls(
            action=action,
            actor=actor,
            due=due,
            done_at=done_at,
        )

        return follow_up
