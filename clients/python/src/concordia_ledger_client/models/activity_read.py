from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.activity_read_participants_by_gender import ActivityReadParticipantsByGender
    from ..models.activity_read_participants_by_origin import ActivityReadParticipantsByOrigin


T = TypeVar("T", bound="ActivityRead")


@_attrs_define
class ActivityRead:
    """An activity.

    Attributes:
        id (UUID):
        grant_id (UUID):
        version (int):
        kind (str):
        title (str):
        start_date (datetime.date):
        end_date (datetime.date):
        country (str):
        city (str):
        participants_by_gender (ActivityReadParticipantsByGender):
        participants_by_origin (ActivityReadParticipantsByOrigin):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    grant_id: UUID
    version: int
    kind: str
    title: str
    start_date: datetime.date
    end_date: datetime.date
    country: str
    city: str
    participants_by_gender: ActivityReadParticipantsByGender
    participants_by_origin: ActivityReadParticipantsByOrigin
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        grant_id = str(self.grant_id)

        version = self.version

        kind = self.kind

        title = self.title

        start_date = self.start_date.isoformat()

        end_date = self.end_date.isoformat()

        country = self.country

        city = self.city

        participants_by_gender = self.participants_by_gender.to_dict()

        participants_by_origin = self.participants_by_origin.to_dict()

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "grant_id": grant_id,
                "version": version,
                "kind": kind,
                "title": title,
                "start_date": start_date,
                "end_date": end_date,
                "country": country,
                "city": city,
                "participants_by_gender": participants_by_gender,
                "participants_by_origin": participants_by_origin,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.activity_read_participants_by_gender import ActivityReadParticipantsByGender
        from ..models.activity_read_participants_by_origin import ActivityReadParticipantsByOrigin

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        grant_id = UUID(d.pop("grant_id"))

        version = d.pop("version")

        kind = d.pop("kind")

        title = d.pop("title")

        start_date = datetime.date.fromisoformat(d.pop("start_date"))

        end_date = datetime.date.fromisoformat(d.pop("end_date"))

        country = d.pop("country")

        city = d.pop("city")

        participants_by_gender = ActivityReadParticipantsByGender.from_dict(
            d.pop("participants_by_gender")
        )

        participants_by_origin = ActivityReadParticipantsByOrigin.from_dict(
            d.pop("participants_by_origin")
        )

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        activity_read = cls(
            id=id,
            grant_id=grant_id,
            version=version,
            kind=kind,
            title=title,
            start_date=start_date,
            end_date=end_date,
            country=country,
            city=city,
            participants_by_gender=participants_by_gender,
            participants_by_origin=participants_by_origin,
            created_at=created_at,
            updated_at=updated_at,
        )

        activity_read.additional_properties = d
        return activity_read

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
