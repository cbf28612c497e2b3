from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.recipient_read import RecipientRead
    from ..models.totals import Totals


T = TypeVar("T", bound="GrantRead")


@_attrs_define
class GrantRead:
    """A grant, with its totals in EUR.

    Attributes:
        id (UUID):
        version (int):
        donor_id (UUID):
        external_id (str):
        recipient (RecipientRead): The recipient as the caller may see it: persons only by id, and only to ledger
            writers.
        title (str):
        description (None | str):
        purpose (str):
        horizon (str):
        goals (list[str]):
        gender_marker (int):
        start_date (datetime.date):
        end_date (datetime.date):
        visibility (str):
        feed_seq (int):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        totals (None | Totals | Unset):
        funded_elsewhere (list[str] | Unset): Coalition nodes that fund this organisation for the same purpose in a
            quarter of the grant (private set intersection; see /v1/overlaps).
    """

    id: UUID
    version: int
    donor_id: UUID
    external_id: str
    recipient: RecipientRead
    title: str
    description: str | None
    purpose: str
    horizon: str
    goals: list[str]
    gender_marker: int
    start_date: datetime.date
    end_date: datetime.date
    visibility: str
    feed_seq: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    totals: Totals | Unset | None = UNSET
    funded_elsewhere: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.totals import Totals

        id = str(self.id)

        version = self.version

        donor_id = str(self.donor_id)

        external_id = self.external_id

        recipient = self.recipient.to_dict()

        title = self.title

        description: str | None
        description = self.description

        purpose = self.purpose

        horizon = self.horizon

        goals = self.goals

        gender_marker = self.gender_marker

        start_date = self.start_date.isoformat()

        end_date = self.end_date.isoformat()

        visibility = self.visibility

        feed_seq = self.feed_seq

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        totals: dict[str, Any] | Unset | None
        if isinstance(self.totals, Unset):
            totals = UNSET
        elif isinstance(self.totals, Totals):
            totals = self.totals.to_dict()
        else:
            totals = self.totals

        funded_elsewhere: list[str] | Unset = UNSET
        if not isinstance(self.funded_elsewhere, Unset):
            funded_elsewhere = self.funded_elsewhere

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "version": version,
                "donor_id": donor_id,
                "external_id": external_id,
                "recipient": recipient,
                "title": title,
                "description": description,
                "purpose": purpose,
                "horizon": horizon,
                "goals": goals,
                "gender_marker": gender_marker,
                "start_date": start_date,
                "end_date": end_date,
                "visibility": visibility,
                "feed_seq": feed_seq,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if totals is not UNSET:
            field_dict["totals"] = totals
        if funded_elsewhere is not UNSET:
            field_dict["funded_elsewhere"] = funded_elsewhere

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.recipient_read import RecipientRead
        from ..models.totals import Totals

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        version = d.pop("version")

        donor_id = UUID(d.pop("donor_id"))

        external_id = d.pop("external_id")

        recipient = RecipientRead.from_dict(d.pop("recipient"))

        title = d.pop("title")

        def _parse_description(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        purpose = d.pop("purpose")

        horizon = d.pop("horizon")

        goals = cast(list[str], d.pop("goals"))

        gender_marker = d.pop("gender_marker")

        start_date = datetime.date.fromisoformat(d.pop("start_date"))

        end_date = datetime.date.fromisoformat(d.pop("end_date"))

        visibility = d.pop("visibility")

        feed_seq = d.pop("feed_seq")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_totals(data: object) -> Totals | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                totals_type_0 = Totals.from_dict(data)

                return totals_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Totals | Unset, data)

        totals = _parse_totals(d.pop("totals", UNSET))

        funded_elsewhere = cast(list[str], d.pop("funded_elsewhere", UNSET))

        grant_read = cls(
            id=id,
            version=version,
            donor_id=donor_id,
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
            feed_seq=feed_seq,
            created_at=created_at,
            updated_at=updated_at,
            totals=totals,
            funded_elsewhere=funded_elsewhere,
        )

        grant_read.additional_properties = d
        return grant_read

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
