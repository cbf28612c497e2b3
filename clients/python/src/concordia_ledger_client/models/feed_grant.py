from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.feed_grant_horizon_type_0 import FeedGrantHorizonType0
from ..models.feed_grant_visibility_type_0 import FeedGrantVisibilityType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.feed_donor import FeedDonor
    from ..models.feed_recipient import FeedRecipient
    from ..models.feed_transaction import FeedTransaction


T = TypeVar("T", bound="FeedGrant")


@_attrs_define
class FeedGrant:
    """A grant in the feed; a withdrawn grant is a tombstone with `id`, `feed_seq`, `withdrawn`.

    Attributes:
        id (str):
        feed_seq (int): The grant's feed position; it moves on every change.
        withdrawn (bool):
        version (int | None | Unset):
        external_id (None | str | Unset):
        donor (FeedDonor | None | Unset):
        recipient (FeedRecipient | None | Unset):
        title (None | str | Unset):
        description (None | str | Unset):
        purpose (None | str | Unset):
        horizon (FeedGrantHorizonType0 | None | Unset):
        goals (list[str] | None | Unset):
        gender_marker (int | None | Unset):
        start_date (datetime.date | None | Unset):
        end_date (datetime.date | None | Unset):
        visibility (FeedGrantVisibilityType0 | None | Unset):
        updated_at (datetime.datetime | None | Unset):
        transactions (list[FeedTransaction] | None | Unset):
    """

    id: str
    feed_seq: int
    withdrawn: bool
    version: int | Unset | None = UNSET
    external_id: str | Unset | None = UNSET
    donor: FeedDonor | Unset | None = UNSET
    recipient: FeedRecipient | Unset | None = UNSET
    title: str | Unset | None = UNSET
    description: str | Unset | None = UNSET
    purpose: str | Unset | None = UNSET
    horizon: FeedGrantHorizonType0 | Unset | None = UNSET
    goals: list[str] | Unset | None = UNSET
    gender_marker: int | Unset | None = UNSET
    start_date: datetime.date | Unset | None = UNSET
    end_date: datetime.date | Unset | None = UNSET
    visibility: FeedGrantVisibilityType0 | Unset | None = UNSET
    updated_at: datetime.datetime | Unset | None = UNSET
    transactions: list[FeedTransaction] | Unset | None = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.feed_donor import FeedDonor
        from ..models.feed_recipient import FeedRecipient

        id = self.id

        feed_seq = self.feed_seq

        withdrawn = self.withdrawn

        version: int | Unset | None
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        external_id: str | Unset | None
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        donor: dict[str, Any] | Unset | None
        if isinstance(self.donor, Unset):
            donor = UNSET
        elif isinstance(self.donor, FeedDonor):
            donor = self.donor.to_dict()
        else:
            donor = self.donor

        recipient: dict[str, Any] | Unset | None
        if isinstance(self.recipient, Unset):
            recipient = UNSET
        elif isinstance(self.recipient, FeedRecipient):
            recipient = self.recipient.to_dict()
        else:
            recipient = self.recipient

        title: str | Unset | None
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        description: str | Unset | None
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        purpose: str | Unset | None
        if isinstance(self.purpose, Unset):
            purpose = UNSET
        else:
            purpose = self.purpose

        horizon: str | Unset | None
        if isinstance(self.horizon, Unset):
            horizon = UNSET
        elif isinstance(self.horizon, FeedGrantHorizonType0):
            horizon = self.horizon.value
        else:
            horizon = self.horizon

        goals: list[str] | Unset | None
        if isinstance(self.goals, Unset):
            goals = UNSET
        elif isinstance(self.goals, list):
            goals = self.goals

        else:
            goals = self.goals

        gender_marker: int | Unset | None
        if isinstance(self.gender_marker, Unset):
            gender_marker = UNSET
        else:
            gender_marker = self.gender_marker

        start_date: str | Unset | None
        if isinstance(self.start_date, Unset):
            start_date = UNSET
        elif isinstance(self.start_date, datetime.date):
            start_date = self.start_date.isoformat()
        else:
            start_date = self.start_date

        end_date: str | Unset | None
        if isinstance(self.end_date, Unset):
            end_date = UNSET
        elif isinstance(self.end_date, datetime.date):
            end_date = self.end_date.isoformat()
        else:
            end_date = self.end_date

        visibility: str | Unset | None
        if isinstance(self.visibility, Unset):
            visibility = UNSET
        elif isinstance(self.visibility, FeedGrantVisibilityType0):
            visibility = self.visibility.value
        else:
            visibility = self.visibility

        updated_at: str | Unset | None
        if isinstance(self.updated_at, Unset):
            updated_at = UNSET
        elif isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        transactions: list[dict[str, Any]] | Unset | None
        if isinstance(self.transactions, Unset):
            transactions = UNSET
        elif isinstance(self.transactions, list):
            transactions = []
            for transactions_type_0_item_data in self.transactions:
                transactions_type_0_item = transactions_type_0_item_data.to_dict()
                transactions.append(transactions_type_0_item)

        else:
            transactions = self.transactions

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "feed_seq": feed_seq,
                "withdrawn": withdrawn,
            }
        )
        if version is not UNSET:
            field_dict["version"] = version
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if donor is not UNSET:
            field_dict["donor"] = donor
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
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if transactions is not UNSET:
            field_dict["transactions"] = transactions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.feed_donor import FeedDonor
        from ..models.feed_recipient import FeedRecipient
        from ..models.feed_transaction import FeedTransaction

        d = dict(src_dict)
        id = d.pop("id")

        feed_seq = d.pop("feed_seq")

        withdrawn = d.pop("withdrawn")

        def _parse_version(data: object) -> int | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        def _parse_external_id(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("external_id", UNSET))

        def _parse_donor(data: object) -> FeedDonor | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                donor_type_0 = FeedDonor.from_dict(data)

                return donor_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FeedDonor | None | Unset, data)

        donor = _parse_donor(d.pop("donor", UNSET))

        def _parse_recipient(data: object) -> FeedRecipient | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                recipient_type_0 = FeedRecipient.from_dict(data)

                return recipient_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FeedRecipient | None | Unset, data)

        recipient = _parse_recipient(d.pop("recipient", UNSET))

        def _parse_title(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        def _parse_description(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_purpose(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        purpose = _parse_purpose(d.pop("purpose", UNSET))

        def _parse_horizon(data: object) -> FeedGrantHorizonType0 | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                horizon_type_0 = FeedGrantHorizonType0(data)

                return horizon_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FeedGrantHorizonType0 | None | Unset, data)

        horizon = _parse_horizon(d.pop("horizon", UNSET))

        def _parse_goals(data: object) -> list[str] | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                goals_type_0 = cast(list[str], data)

                return goals_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        goals = _parse_goals(d.pop("goals", UNSET))

        def _parse_gender_marker(data: object) -> int | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        gender_marker = _parse_gender_marker(d.pop("gender_marker", UNSET))

        def _parse_start_date(data: object) -> datetime.date | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                start_date_type_0 = datetime.date.fromisoformat(data)

                return start_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        start_date = _parse_start_date(d.pop("start_date", UNSET))

        def _parse_end_date(data: object) -> datetime.date | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                end_date_type_0 = datetime.date.fromisoformat(data)

                return end_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        end_date = _parse_end_date(d.pop("end_date", UNSET))

        def _parse_visibility(data: object) -> FeedGrantVisibilityType0 | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                visibility_type_0 = FeedGrantVisibilityType0(data)

                return visibility_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FeedGrantVisibilityType0 | None | Unset, data)

        visibility = _parse_visibility(d.pop("visibility", UNSET))

        def _parse_updated_at(data: object) -> datetime.datetime | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        updated_at = _parse_updated_at(d.pop("updated_at", UNSET))

        def _parse_transactions(data: object) -> list[FeedTransaction] | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                transactions_type_0 = []
                _transactions_type_0 = data
                for transactions_type_0_item_data in _transactions_type_0:
                    transactions_type_0_item = FeedTransaction.from_dict(
                        transactions_type_0_item_data
                    )

                    transactions_type_0.append(transactions_type_0_item)

                return transactions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[FeedTransaction] | None | Unset, data)

        transactions = _parse_transactions(d.pop("transactions", UNSET))

        feed_grant = cls(
            id=id,
            feed_seq=feed_seq,
            withdrawn=withdrawn,
            version=version,
            external_id=external_id,
            donor=donor,
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
            updated_at=updated_at,
            transactions=transactions,
        )

        feed_grant.additional_properties = d
        return feed_grant

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
