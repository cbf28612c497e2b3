from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.overlap_peer_read import OverlapPeerRead
    from ..models.overlap_read import OverlapRead


T = TypeVar("T", bound="OverlapsRead")


@_attrs_define
class OverlapsRead:
    """What private set intersection found for one period and purpose.

    Attributes:
        period (str):
        purpose (str):
        items (list[OverlapRead]):
        peers (list[OverlapPeerRead]): Every peer this node has run overlap detection with for this scope.
    """

    period: str
    purpose: str
    items: list[OverlapRead]
    peers: list[OverlapPeerRead]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        period = self.period

        purpose = self.purpose

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        peers = []
        for peers_item_data in self.peers:
            peers_item = peers_item_data.to_dict()
            peers.append(peers_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "period": period,
                "purpose": purpose,
                "items": items,
                "peers": peers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.overlap_peer_read import OverlapPeerRead
        from ..models.overlap_read import OverlapRead

        d = dict(src_dict)
        period = d.pop("period")

        purpose = d.pop("purpose")

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = OverlapRead.from_dict(items_item_data)

            items.append(items_item)

        peers = []
        _peers = d.pop("peers")
        for peers_item_data in _peers:
            peers_item = OverlapPeerRead.from_dict(peers_item_data)

            peers.append(peers_item)

        overlaps_read = cls(
            period=period,
            purpose=purpose,
            items=items,
            peers=peers,
        )

        overlaps_read.additional_properties = d
        return overlaps_read

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
