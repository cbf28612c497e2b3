from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ByOrigin")


@_attrs_define
class ByOrigin:
    """Participants by self-declared ethnic origin: counts only.

    Attributes:
        russian (int | Unset):  Default: 0.
        non_russian (int | Unset):  Default: 0.
        undisclosed (int | Unset):  Default: 0.
    """

    russian: int | Unset = 0
    non_russian: int | Unset = 0
    undisclosed: int | Unset = 0

    def to_dict(self) -> dict[str, Any]:
        russian = self.russian

        non_russian = self.non_russian

        undisclosed = self.undisclosed

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if russian is not UNSET:
            field_dict["russian"] = russian
        if non_russian is not UNSET:
            field_dict["non_russian"] = non_russian
        if undisclosed is not UNSET:
            field_dict["undisclosed"] = undisclosed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        russian = d.pop("russian", UNSET)

        non_russian = d.pop("non_russian", UNSET)

        undisclosed = d.pop("undisclosed", UNSET)

        by_origin = cls(
            russian=russian,
            non_russian=non_russian,
            undisclosed=undisclosed,
        )

        return by_origin
