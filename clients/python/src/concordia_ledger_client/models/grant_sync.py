from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.grant_sync_goals_item import GrantSyncGoalsItem
from ..models.grant_sync_horizon import GrantSyncHorizon
from ..models.grant_sync_purpose import GrantSyncPurpose
from ..models.grant_sync_visibility import GrantSyncVisibility
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.recipient_ref_type_0 import RecipientRefType0
    from ..models.recipient_ref_type_1 import RecipientRefType1
    from ..models.recipient_ref_type_2 import RecipientRefType2


T = TypeVar("T", bound="GrantSync")


@_attrs_define
class GrantSync:
    """One record of a bulk grant sync, keyed by (`donor_id`, `external_id`).

    Attributes:
        recipient (RecipientRefType0 | RecipientRefType1 | RecipientRefType2): Who receives a grant: an organisation (by
            registry id or identifier) or a person (id).
        title (str):
        purpose (GrantSyncPurpose):
        horizon (GrantSyncHorizon):
        goals (list[GrantSyncGoalsItem]): 1 to 6 of the coalition's strategic goals, each at most once.
        gender_marker (int): IATI policy marker 1 (gender equality), significance 0-2.
        start_date (datetime.date):
        end_date (datetime.date):
        donor_id (UUID):
        external_id (str): The donor's own id; unique per donor.
        description (None | str | Unset):
        visibility (GrantSyncVisibility | Unset):  Default: GrantSyncVisibility.COALITION.
    """

    recipient: RecipientRefType0 | RecipientRefType1 | RecipientRefType2
    title: str
    purpose: GrantSyncPurpose
    horizon: GrantSyncHorizon
    goals: list[GrantSyncGoalsItem]
    gender_marker: int
    start_date: datetime.date
    end_date: datetime.date
    donor_id: UUID
    external_id: str
    description: str | Unset | None = UNSET
    visibility: GrantSyncVisibility | Unset = GrantSyncVisibility.COALITION

    def to_dict(self) -> dict[str, Any]:
        from ..models.recipient_ref_type_0 import RecipientRefType0
        from ..models.recipient_ref_type_1 import RecipientRefType1

        recipient: dict[str, Any]
        if isinstance(self.recipient, RecipientRefType0) or isinstance(
            self.recipient, RecipientRefType1
        ):
            recipient = self.recipient.to_dict()
        else:
            recipient = self.recipient.to_dict()

        title = self.title

        purpose = self.purpose.value

        horizon = self.horizon.value

        goals = []
        for goals_item_data in self.goals:
            goals_item = goals_item_data.value
            goals.append(goals_item)

        gender_marker = self.gender_marker

        start_date = self.start_date.isoformat()

        end_date = self.end_date.isoformat()

        donor_id = str(self.donor_id)

        external_id = self.external_id

        description: str | Unset | None
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        visibility: str | Unset = UNSET
        if not isinstance(self.visibility, Unset):
            visibility = self.visibility.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "recipient": recipient,
                "title": title,
                "purpose": purpose,
                "horizon": horizon,
                "goals": goals,
                "gender_marker": gender_marker,
                "start_date": start_date,
                "end_date": end_date,
                "donor_id": donor_id,
                "external_id": external_id,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if visibility is not UNSET:
            field_dict["visibility"] = visibility

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.recipient_ref_type_0 import RecipientRefType0
        from ..models.recipient_ref_type_1 import RecipientRefType1
        from ..models.recipient_ref_type_2 import RecipientRefType2

        d = dict(src_dict)

        def _parse_recipient(
            data: object,
        ) -> RecipientRefType0 | RecipientRefType1 | RecipientRefType2:
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

        recipient = _parse_recipient(d.pop("recipient"))

        title = d.pop("title")

        purpose = GrantSyncPurpose(d.pop("purpose"))

        horizon = GrantSyncHorizon(d.pop("horizon"))

        goals = []
        _goals = d.pop("goals")
        for goals_item_data in _goals:
            goals_item = GrantSyncGoalsItem(goals_item_data)

            goals.append(goals_item)

        gender_marker = d.pop("gender_marker")

        start_date = datetime.date.fromisoformat(d.pop("start_date"))

        end_date = datetime.date.fromisoformat(d.pop("end_date"))

        donor_id = UUID(d.pop("donor_id"))

        external_id = d.pop("external_id")

        def _parse_description(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        _visibility = d.pop("visibility", UNSET)
        visibility: GrantSyncVisibility | Unset
        if isinstance(_visibility, Unset):
            visibility = UNSET
        else:
            visibility = GrantSyncVisibility(_visibility)

        grant_sync = cls(
            recipient=recipient,
            title=title,
            purpose=purpose,
            horizon=horizon,
            goals=goals,
            gender_marker=gender_marker,
            start_date=start_date,
            end_date=end_date,
            donor_id=donor_id,
            external_id=external_id,
            description=description,
            visibility=visibility,
        )

        return grant_sync
