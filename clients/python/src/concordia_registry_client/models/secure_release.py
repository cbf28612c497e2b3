from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SecureRelease")


@_attrs_define
class SecureRelease:
    """One release this node signed: what, when, by whom, at what epsilon (no value).

    Attributes:
        id (str):
        table (str):
        period (str):
        phase (str):
        epsilon (float | None):
        survivors (list[str]):
    """

    id: str
    table: str
    period: str
    phase: str
    epsilon: float | None
    survivors: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        table = self.table

        period = self.period

        phase = self.phase

        epsilon: float | None
        epsilon = self.epsilon

        survivors = self.survivors

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "table": table,
                "period": period,
                "phase": phase,
                "epsilon": epsilon,
                "survivors": survivors,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        table = d.pop("table")

        period = d.pop("period")

        phase = d.pop("phase")

        def _parse_epsilon(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        epsilon = _parse_epsilon(d.pop("epsilon"))

        survivors = cast(list[str], d.pop("survivors"))

        secure_release = cls(
            id=id,
            table=table,
            period=period,
            phase=phase,
            epsilon=epsilon,
            survivors=survivors,
        )

        secure_release.additional_properties = d
        return secure_release

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
