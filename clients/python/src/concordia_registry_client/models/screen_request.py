from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.screen_text import ScreenText


T = TypeVar("T", bound="ScreenRequest")


@_attrs_define
class ScreenRequest:
    """Texts about to leave the node.

    Attributes:
        texts (list[ScreenText]):
    """

    texts: list[ScreenText]

    def to_dict(self) -> dict[str, Any]:
        texts = []
        for texts_item_data in self.texts:
            texts_item = texts_item_data.to_dict()
            texts.append(texts_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "texts": texts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.screen_text import ScreenText

        d = dict(src_dict)
        texts = []
        _texts = d.pop("texts")
        for texts_item_data in _texts:
            texts_item = ScreenText.from_dict(texts_item_data)

            texts.append(texts_item)

        screen_request = cls(
            texts=texts,
        )

        return screen_request
