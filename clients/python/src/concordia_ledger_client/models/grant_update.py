from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.grant_update_goals_item import GrantUpdateGoalsItem
from ..models.grant_update_horizon import GrantUpdateHorizon
from ..models.grant_update_purpose import GrantUpdatePurpose
from ..models.grant_update_visibility import GrantUpdateVisibility
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.recipient_ref_type_0 import RecipientRefType0
    from ..models.recipient_ref_type_1 import RecipientRefType1
    from ..models.recipient_ref_type_2 import RecipientRefType2


T = TypeVar("T", bound="GrantUpdate")


@_attrs_define
class GrantUpdate:
    """A partial change: only the fields sent are changed.

    Attributes:
        external_id (str | Unset):
        recipient (RecipientRefType0 | RecipientRefType1 | RecipientRefType2 | Unset): Who receives a grant: an
            organisation (by registry id or identifier) or a person (id).
        title (str | Unset):
        description (None | str | Unset):
        purpose (GrantUpdatePurpose | Unset):
        horizon (GrantUpdateHorizon | Unset):
        goals (list[GrantUpdateGoalsItem] | Unset): 1 to 6 of the coalition's strategic goals, each at most once.
        gender_marker (int | Unset):
        start_date (datetime.date | Unset):
        end_date (datetime.date | Unset):
        visibility (GrantUpdateVisibility | Unset):
    """

    external_id: str | Unset = UNSET
    recipient: RecipientRefType0 | RecipientRefType1 | RecipientRefType2 | Unset = UNSET
    title: str | Unset = UNSET
    description: str | Unset | None = UNSET
    purpose: GrantUpdatePurpose | Unset = UNSET
    horizon: GrantUpdateHorizon | Unset = UNSET
    goals: list[GrantUpdateGoalsItem] | Unset = UNSET
    gender_marker: int | Unset = UNSET
    start_date: datetime.date | Unset = UNSET
    end_date: datetime.date | Unset = UNSET
    visibility: GrantUpdateVisibility | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.recipient_ref_type_0 import RecipientRefType0
        from ..models.recipient_ref_type_1 import RecipientRefType1

        external_id = self.external_id

        recipient: dict[str, Any] | Unset
        if isinstance(self.recipient, Unset):
            recipient = UNSET
        elif isinstance(self.recipient, RecipientRefType0) or isinstance(
            self.recipient, RecipientRefType1
        ):
            recipient = self.recipient.to_dict()
        else:
            recipient = self.recipient.to_dict()

        title = self.title

        description: str | Unset | None
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        purpose: str | Unset = UNSET
        if not isinstance(self.purpose, Unset):
            purpose = self.purpose.value

        horizon: str | Unset = UNSET
        if not isinstance(self.horizon, Unset):
            horizon = self.horizon.value

        goals: list[str] | Unset = UNSET
        if not isinstance(self.goals, Unset):
            goals = []
            for goals_item_data in self.goals:
                goals_item = goals_item_data.value
                goals.append(goals_item)

        gender_marker = self.gender_marker

        start_date: str | Unset = UNSET
        if not isinstance(self.start_date, Unset):
            start_date = self.start_date.isoformat()

        end_date: str | Unset = UNSET
        if not isinstance(self.end_date, Unset):
            end_date = self.end_date.isoformat()

        visibility: str | Unset = UNSET
        if not isinstance(self.visibility, Unset):
            visibility = self.visibility.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if recipient is not UNSET:
            field_dict["recipient"] = recipient
        if title is not UNSET:
            field_dict["title"] = title
        if description is not UNSET:
            field_dict["description"] = description
        if purpose is not UNSET:
            field_dict["purpose"] = purpose
        if horizon is not UNSET:
            field_dict["horizon"] = horizon
        if goals is not UNSET:
            field_dict["goals"] = goals
        if gender_marker is not UNSET:
            field_dict["gender_marker"] = gender_marker
        if start_date is not UNSET:
            field_dict["start_date"] = start_date
        if end_date is not UNSET:
            field_dict["end_date"] = end_date
        if visibility is not UNSET:
            field_dict["visibility"] = visibility

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.recipient_ref_type_0 import RecipientRefType0
        from ..models.recipient_ref_type_1 import RecipientRefType1
        from ..models.recipient_ref_type_2 import RecipientRefType2

        d = dict(src_dict)
        external_id = d.pop("external_id", UNSET)

        def _parse_recipient(
            data: object,
        ) -> RecipientRefType0 | RecipientRefType1 | RecipientRefType2 | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_recipient_ref_type_0 = RecipientRefType0.from_dict(data)

                return componentsschemas_recipient_ref_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_recipient_ref_type_1 = RecipientRefType1.from_dict(data)

                return componentsschemas_recipient_ref_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_recipient_ref_type_2 = RecipientRefType2.from_dict(data)

            return componentsschemas_recipient_ref_type_2

        recipient = _parse_recipient(d.pop("recipient", UNSET))

        title = d.pop("title", UNSET)

        def _parse_description(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        _purpose = d.pop("purpose", UNSET)
        purpose: GrantUpdatePurpose | Unset
        if isinstance(_purpose, Unset):
            purpose = UNSET
        else:
            purpose = GrantUpdatePurpose(_purpose)

        _horizon = d.pop("horizon", UNSET)
        horizon: GrantUpdateHorizon | Unset
        if isinstance(_horizon, Unset):
            horizon = UNSET
        else:
            horizon = GrantUpdateHorizon(_horizon)

        _goals = d.pop("goals", UNSET)
        goals: list[GrantUpdateGoalsItem] | Unset = UNSET
        if _goals is not UNSET:
            goals = []
            for goals_item_data in _goals:
                goals_item = GrantUpdateGoalsItem(goals_item_data)

                goals.append(goals_item)

        gender_marker = d.pop("gender_marker", UNSET)

        _start_date = d.pop("start_date", UNSET)
        start_date: datetime.date | Unset
        if isinstance(_start_date, Unset):
            start_date = UNSET
        else:
            start_date = datetime.date.fromisoformat(_start_date)

        _end_date = d.pop("end_date", UNSET)
        end_date: datetime.date | Unset
        if isinstance(_end_date, Unset):
            end_date = UNSET
        else:
            end_date = datetime.date.fromisoformat(_end_date)

        _visibility = d.pop("visibility", UNSET)
        visibility: GrantUpdateVisibility | Unset
        if isinstance(_visibility, Unset):
            visibility = UNSET
        else:
            visibility = GrantUpdateVisibility(_visibility)

        grant_update = cls(
            external_id=external_id,
            recipient=recipient,
            title=title,
            description=description,
            purpose=purpose,
            horizon=horizon,
            goals=goals,
            gender_marker=gender_marker,
            start_date=start_date,
            end_date=end_date,
            visibility=visibility,
        )

        return grant_update
