from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.permit_update_status import PermitUpdateStatus
from ..models.permit_update_track import PermitUpdateTrack
from ..types import UNSET, Unset

T = TypeVar("T", bound="PermitUpdate")


@_attrs_define
class PermitUpdate:
    """A partial change of a permit.

    Attributes:
        track (PermitUpdateTrack | Unset):
        status (PermitUpdateStatus | Unset):
        valid_from (datetime.date | None | Unset):
        valid_to (datetime.date | None | Unset):
        family_members_covered (int | Unset):
    """

    track: PermitUpdateTrack | Unset = UNSET
    status: PermitUpdateStatus | Unset = UNSET
    valid_from: datetime.date | Unset | None = UNSET
    valid_to: datetime.date | Unset | None = UNSET
    family_members_covered: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        track: str | Unset = UNSET
        if not isinstance(self.track, Unset):
            track = self.track.value

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

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

        field_dict.update({})
        if track is not UNSET:
            field_dict["track"] = track
        if status is not UNSET:
            field_dict["status"] = status
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
        _track = d.pop("track", UNSET)
        track: PermitUpdateTrack | Unset
        if isinstance(_track, Unset):
            track = UNSET
        else:
            track = PermitUpdateTrack(_track)

        _status = d.pop("status", UNSET)
        status: PermitUpdateStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = PermitUpdateStatus(_status)

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

        permit_update = cls(
            track=track,
            status=status,
            valid_from=valid_from,
            valid_to=valid_to,
            family_members_covered=family_members_covered,
        )

        return permit_update
