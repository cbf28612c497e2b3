from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ByGender")


@_attrs_define
class ByGender:
    """Participants by gender: counts only.

    Attributes:
        women (int | Unset):  Default: 0.
        men (int | Unset):  Default: 0.
        other (int | Unset):  Default: 0.
        undisclosed (int | Unset):  Default: 0.
    """

    women: int | Unset = 0
    men: int | Unset = 0
    other: int | Unset = 0
    undisclosed: int | Unset = 0

    def to_dict(self) -> dict[str, Any]:
        women = self.women

        men = self.men

        other = self.other

        undisclosed = self.undisclosed

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if women is not UNSET:
            field_dict["women"] = women
        if men is not UNSET:
            field_dict["men"] = men
        if other is not UNSET:
            field_dict["other"] = other
        if undisclosed is not UNSET:
            field_dict["undisclosed"] = undisclosed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        women = d.pop("women", UNSET)

        men = d.pop("men", UNSET)

        other = d.pop("other", UNSET)

        undisclosed = d.pop("undisclosed", UNSET)

        by_gender = cls(
            women=women,
            men=men,
            other=other,
            undisclosed=undisclosed,
        )

        return by_gender
