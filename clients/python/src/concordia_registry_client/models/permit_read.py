from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PermitRead")


@_attrs_define
class PermitRead:
    """A permit.

    Attributes:
        id (UUID):
        person_id (UUID):
        version (int):
        host_country (str):
        track (str):
        status (str):
        valid_from (datetime.date | None):
        valid_to (datetime.date | None):
        family_members_covered (int):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    person_id: UUID
    version: int
    host_country: str
    track: str
    status: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    family_members_covered: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        person_id = str(self.person_id)

        version = self.version

        host_country = self.host_country

        track = self.track

        status = self.status

        valid_from: str | None
        if isinstance(self.valid_from, datetime.date):
            valid_from = self.valid_from.isoformat()
        else:
            valid_from = self.valid_from

        valid_to: str | None
        if isinstance(self.valid_to, datetime.date):
            valid_to = self.valid_to.isoformat()
        else:
            valid_to = self.valid_to

        family_members_covered = self.family_members_covered

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "person_id": person_id,
                "version": version,
                "host_country": host_country,
                "track": track,
                "status": status,
                "valid_from": valid_from,
                "valid_to": valid_to,
                "family_members_covered": family_members_covered,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        person_id = UUID(d.pop("person_id"))

        version = d.pop("version")

        host_country = d.pop("host_country")

        track = d.pop("track")

        status = d.pop("status")

        def _parse_valid_from(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                valid_from_type_0 = datetime.date.fromisoformat(data)

                return valid_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        valid_from = _parse_valid_from(d.pop("valid_from"))

        def _parse_valid_to(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                valid_to_type_0 = datetime.date.fromisoformat(data)

                return valid_to_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        valid_to = _parse_valid_to(d.pop("valid_to"))

        family_members_covered = d.pop("family_members_covered")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        permit_read = cls(
            id=id,
            person_id=person_id,
            version=version,
            host_country=host_country,
            track=track,
            status=status,
            valid_from=valid_from,
            valid_to=valid_to,
            family_members_covered=family_members_covered,
            created_at=created_at,
            updated_at=updated_at,
        )

        permit_read.additional_properties = d
        return permit_read

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
