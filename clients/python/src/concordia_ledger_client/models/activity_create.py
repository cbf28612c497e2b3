from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.activity_create_country import ActivityCreateCountry
from ..models.activity_create_kind import ActivityCreateKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.by_gender import ByGender
    from ..models.by_origin import ByOrigin


T = TypeVar("T", bound="ActivityCreate")


@_attrs_define
class ActivityCreate:
    """A new activity of a grant.

    Attributes:
        kind (ActivityCreateKind):
        title (str):
        start_date (datetime.date):
        end_date (datetime.date):
        country (ActivityCreateCountry):
        city (str):
        participants_by_gender (ByGender | Unset): Participants by gender: counts only.
        participants_by_origin (ByOrigin | Unset): Participants by self-declared ethnic origin: counts only.
    """

    kind: ActivityCreateKind
    title: str
    start_date: datetime.date
    end_date: datetime.date
    country: ActivityCreateCountry
    city: str
    participants_by_gender: ByGender | Unset = UNSET
    participants_by_origin: ByOrigin | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        title = self.title

        start_date = self.start_date.isoformat()

        end_date = self.end_date.isoformat()

        country = self.country.value

        city = self.city

        participants_by_gender: dict[str, Any] | Unset = UNSET
        if not isinstance(self.participants_by_gender, Unset):
            participants_by_gender = self.participants_by_gender.to_dict()

        participants_by_origin: dict[str, Any] | Unset = UNSET
        if not isinstance(self.participants_by_origin, Unset):
            participants_by_origin = self.participants_by_origin.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
                "title": title,
                "start_date": start_date,
                "end_date": end_date,
                "country": country,
                "city": city,
            }
        )
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
        kind = ActivityCreateKind(d.pop("kind"))

        title = d.pop("title")

        start_date = datetime.date.fromisoformat(d.pop("start_date"))

        end_date = datetime.date.fromisoformat(d.pop("end_date"))

        country = ActivityCreateCountry(d.pop("country"))

        city = d.pop("city")

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

        activity_create = cls(
            kind=kind,
            title=title,
            start_date=start_date,
            end_date=end_date,
            country=country,
            city=city,
            participants_by_gender=participants_by_gender,
            participants_by_origin=participants_by_origin,
        )

        return activity_create
