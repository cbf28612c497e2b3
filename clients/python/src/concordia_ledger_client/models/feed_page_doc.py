from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.feed_grant import FeedGrant


T = TypeVar("T", bound="FeedPageDoc")


@_attrs_define
class FeedPageDoc:
    """A page of the funding feed, in `feed_seq` order.

    Attributes:
        items (list[FeedGrant]):
        next_ (str): Pass as `after` for the next page; a page shorter than `limit` is the current end (poll again with
            the same `next`).
    """

    items: list[FeedGrant]
    next_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        next_ = self.next_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "items": items,
                "next": next_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.feed_grant import FeedGrant

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = FeedGrant.from_dict(items_item_data)

            items.append(items_item)

        next_ = d.pop("next")

        feed_page_doc = cls(
            items=items,
            next_=next_,
        )

        feed_page_doc.additional_properties = d
        return feed_page_doc

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
