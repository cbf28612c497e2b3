from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.person_sync import PersonSync


T = TypeVar("T", bound="SyncPersonsBody")


@_attrs_define
class SyncPersonsBody:
    """
    Attributes:
        records (list[PersonSync]):
    """

    records: list[PersonSync]

    def to_dict(self) -> dict[str, Any]:
        records = []
        for records_item_data in self.records:
            records_item = records_item_data.to_dict()
            records.append(records_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "records": records,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.person_sync import PersonSync

        d = dict(src_dict)
        records = []
        _records = d.pop("records")
        for records_item_data in _records:
            records_item = PersonSync.from_dict(records_item_data)

            records.append(records_item)

        sync_persons_body = cls(
            records=records,
        )

        return sync_persons_body
