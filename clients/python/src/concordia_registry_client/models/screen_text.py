from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ScreenText")


@_attrs_define
class ScreenText:
    """One text to screen, under the caller's own name for where it comes from.

    Attributes:
        field (str):
        text (str):
    """

    field: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        field = self.field

        text = self.text

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "field": field,
                "text": text,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        field = d.pop("field")

        text = d.pop("text")

        screen_text = cls(
            field=field,
            text=text,
        )

        return screen_text
