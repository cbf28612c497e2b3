from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.activity_update_country import ActivityUpdateCountry
from ..models.activity_update_kind import ActivityUpdateKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.by_gender import ByGender
    from ..models.by_origin import ByOrigin


T = TypeVar("T", bound="ActivityUpdate")


@_attrs_define
class ActivityUpdate:
    """A partial change of an activity.

    Attributes:
        kind (ActivityUpdateKind | Unset):
        title (str | Unset):
        start_date (datetime.date | Unset):
        end_date (datetime.date | Unset):
        country (ActivityUpdateCountry | Unset):
        city (str | Unset):
        participants_by_gender (ByGender | Unset): Participants by gender: counts only.
        participants_by_origin (ByOrigin | Unset): Participants by self-declared ethnic origin: counts only.
    """

    kind: ActivityUpdateKind | Unset = UNSET
    title: str | Unset = UNSET
    start_date: datetime.date | Unset = UNSET
    end_date: datetime.date | Unset = UNSET
    country: ActivityUpdateCountry | Unset = UNSET
    city: str | Unset = UNSET
    participants_by_gender: ByGender | Unset = UNSET
    participants_by_origin: ByOrigin | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        title = self.title

        start_date: str | Unset = UNSET
        if not isinstance(self.start_date, Unset):
            start_date = self.start_date.isoformat()

        end_date: str | Unset = UNSET
        if not isinstance(self.end_date, Unset):
            end_date = self.end_date.isoformat()

        country: str | Unset = UNSET
        if not isinstance(self.country, Unset):
            country = self.country.value

        city = self.city

        participants_by_gender: dict[str, Any] | Unset = UNSET
        if not isinstance(self.participants_by_gender, Unset):
            participants_by_gender = self.participants_by_gender.to_dict()

        participants_by_origin: dict[str, Any] | Unset = UNSET
        if not isinstance(self.participants_by_origin, Unset):
            participants_by_origin = self.participants_by_origin.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if kind is not UNSET:
            field_dict["kind"] = kind
        if title is not UNSET:
            field_dict["title"] = title
        if start_date is not UNSET:
            field_dict["start_date"] = start_date
        if end_date is not UNSET:
            field_dict["end_date"] = end_date
        if country is not UNSET:
            field_dict["country"] = country
        if city is not UNSET:
            field_dict["city"] = city
        if participants_by_gender is not UNSET:
            field_dict["participants_by_gender"] = participants_by_gender
        if participants_by_origin is not UNSET:
            field_dict["participants_by_origin"] = participants_by_origin

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.by_gender import ByGender
        from ..models.by_origin import ByOrigin

        d = dict(src_dict)
        _kind = d.pop("kind", UNSET)
        kind: ActivityUpdateKind | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = ActivityUpdateKind(_kind)

        title = d.pop("title", UNSET)

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

        _country = d.pop("country", UNSET)
        country: ActivityUpdateCountry | Unset
        if isinstance(_country, Unset):
            country = UNSET
        else:
            country = ActivityUpdateCountry(_country)

        city = d.pop("city", UNSET)

        _participants_by_gender = d.pop("participants_by_gender", UNSET)
        participants_by_gender: ByGender | Unset
        if isinstance(_participants_by_gender, Unset):
            participants_by_gender = UNSET
        else:
            participants_by_gender = ByGender.from_dict(_participants_by_gender)

        _participants_by_origin = d.pop("participants_by_origin", UNSET)
        participants_by_origin: ByOrigin | Unset
        if isinstance(_participants_by_origin, Unset):
            participants_by_origin = UNSET
        else:
            participants_by_origin = ByOrigin.from_dict(_participants_by_origin)

        activity_update = cls(
            kind=kind,
            title=title,
            start_date=start_date,
            end_date=end_date,
            country=country,
            city=city,
            participants_by_gender=participants_by_gender,
            participants_by_origin=participants_by_origin,
        )

        return activity_update
