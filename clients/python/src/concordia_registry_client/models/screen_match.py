from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.screen_match_kind import ScreenMatchKind

T = TypeVar("T", bound="ScreenMatch")


@_attrs_define
class ScreenMatch:
    """Where a registered family name, alias, e-mail address or phone number occurs.

    Attributes:
        field (str):
        start (int):
        end (int):
        kind (ScreenMatchKind):
    """

    field: str
    start: int
    end: int
    kind: ScreenMatchKind
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field = self.field

        start = self.start

        end = self.end

        kind = self.kind.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "field": field,
                "start": start,
                "end": end,
                "kind": kind,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        field = d.pop("field")

        start = d.pop("start")

        end = d.pop("end")

        kind = ScreenMatchKind(d.pop("kind"))

        screen_match = cls(
            field=field,
            start=start,
            end=end,
            kind=kind,
        )

        screen_match.additional_properties = d
        return screen_match

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
