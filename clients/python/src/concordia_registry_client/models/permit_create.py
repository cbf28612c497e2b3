from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.permit_create_host_country import PermitCreateHostCountry
from ..models.permit_create_status import PermitCreateStatus
from ..models.permit_create_track import PermitCreateTrack
from ..types import UNSET, Unset

T = TypeVar("T", bound="PermitCreate")


@_attrs_define
class PermitCreate:
    """A new permit of a person.

    Attributes:
        host_country (PermitCreateHostCountry):
        track (PermitCreateTrack):
        status (PermitCreateStatus):
        person_id (UUID):
        valid_from (datetime.date | None | Unset):
        valid_to (datetime.date | None | Unset):
        family_members_covered (int | Unset):  Default: 0.
    """

    host_country: PermitCreateHostCountry
    track: PermitCreateTrack
    status: PermitCreateStatus
    person_id: UUID
    valid_from: datetime.date | Unset | None = UNSET
    valid_to: datetime.date | Unset | None = UNSET
    family_members_covered: int | Unset = 0

    def to_dict(self) -> dict[str, Any]:
        host_country = self.host_country.value

        track = self.track.value

        status = self.status.value

        person_id = str(self.person_id)

        valid_from: str | Unset | None
        if isinstance(self.valid_from, Unset):
            valid_from = UNSET
        elif isinstance(self.valid_from, datetime.date):
            valid_from = self.valid_from.isoformat()
        else:
            valid_from = self.valid_from

        valid_to: str | Unset | None
        if isinstance(self.valid_to, Unset):
            valid_to = UNSET
        elif isinstance(self.valid_to, datetime.date):
            valid_to = self.valid_to.isoformat()
        else:
            valid_to = self.valid_to

        family_members_covered = self.family_members_covered

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "host_country": host_country,
                "track": track,
                "status": status,
                "person_id": person_id,
            }
        )
        if valid_from is not UNSET:
            field_dict["valid_from"] = valid_from
        if valid_to is not UNSET:
            field_dict["valid_to"] = valid_to
        if family_members_covered is not UNSET:
            field_dict["family_members_covered"] = family_members_covered

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        host_country = PermitCreateHostCountry(d.pop("host_country"))

        track = PermitCreateTrack(d.pop("track"))

        status = PermitCreateStatus(d.pop("status"))

        person_id = UUID(d.pop("person_id"))

        def _parse_valid_from(data: object) -> datetime.date | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                valid_from_type_0 = datetime.date.fromisoformat(data)

                return valid_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        valid_from = _parse_valid_from(d.pop("valid_from", UNSET))

        def _parse_valid_to(data: object) -> datetime.date | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                valid_to_type_0 = datetime.date.fromisoformat(data)

                return valid_to_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        valid_to = _parse_valid_to(d.pop("valid_to", UNSET))

        family_members_covered = d.pop("family_members_covered", UNSET)

        permit_create = cls(
            host_country=host_country,
            track=track,
            status=status,
            person_id=person_id,
            valid_from=valid_from,
            valid_to=valid_to,
            family_members_covered=family_members_covered,
        )

        return permit_create
