from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.change_read_entity import ChangeReadEntity
from ..models.change_read_op import ChangeReadOp

T = TypeVar("T", bound="ChangeRead")


@_attrs_define
class ChangeRead:
    """One entry of the delta feed.

    Attributes:
        seq (int):
        entity (ChangeReadEntity):
        id (UUID):
        external_id (None | str):
        version (int):
        op (ChangeReadOp):
        at (datetime.datetime):
    """

    seq: int
    entity: ChangeReadEntity
    id: UUID
    external_id: str | None
    version: int
    op: ChangeReadOp
    at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seq = self.seq

        entity = self.entity.value

        id = str(self.id)

        external_id: str | None
        external_id = self.external_id

        version = self.version

        op = self.op.value

        at = self.at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "seq": seq,
                "entity": entity,
                "id": id,
                "external_id": external_id,
                "version": version,
                "op": op,
                "at": at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        seq = d.pop("seq")

        entity = ChangeReadEntity(d.pop("entity"))

        id = UUID(d.pop("id"))

        def _parse_external_id(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        external_id = _parse_external_id(d.pop("external_id"))

        version = d.pop("version")

        op = ChangeReadOp(d.pop("op"))

        at = datetime.datetime.fromisoformat(d.pop("at"))

        change_read = cls(
            seq=seq,
            entity=entity,
            id=id,
            external_id=external_id,
            version=version,
            op=op,
            at=at,
        )

        change_read.additional_properties = d
        return change_read

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
