from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.secure_release import SecureRelease


T = TypeVar("T", bound="SecureTableState")


@_attrs_define
class SecureTableState:
    """A secure table at this node: epsilon spent and budget, the releases it knows.

    Attributes:
        table (str):
        epsilon_spent (float):
        epsilon_budget (float):
        releases (list[SecureRelease]):
    """

    table: str
    epsilon_spent: float
    epsilon_budget: float
    releases: list[SecureRelease]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        table = self.table

        epsilon_spent = self.epsilon_spent

        epsilon_budget = self.epsilon_budget

        releases = []
        for releases_item_data in self.releases:
            releases_item = releases_item_data.to_dict()
            releases.append(releases_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "table": table,
                "epsilon_spent": epsilon_spent,
                "epsilon_budget": epsilon_budget,
                "releases": releases,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.secure_release import SecureRelease

        d = dict(src_dict)
        table = d.pop("table")

        epsilon_spent = d.pop("epsilon_spent")

        epsilon_budget = d.pop("epsilon_budget")

        releases = []
        _releases = d.pop("releases")
        for releases_item_data in _releases:
            releases_item = SecureRelease.from_dict(releases_item_data)

            releases.append(releases_item)

        secure_table_state = cls(
            table=table,
            epsilon_spent=epsilon_spent,
            epsilon_budget=epsilon_budget,
            releases=releases,
        )

        secure_table_state.additional_properties = d
        return secure_table_state

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
