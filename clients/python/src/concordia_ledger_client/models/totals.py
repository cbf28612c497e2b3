from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Totals")


@_attrs_define
class Totals:
    """A grant's money in EUR; pledges never count as committed.

    Attributes:
        committed_eur (str):
        disbursed_eur (str):
        unconverted_transactions (int): Transactions left out because no EUR rate covers their value date.
    """

    committed_eur: str
    disbursed_eur: str
    unconverted_transactions: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        committed_eur = self.committed_eur

        disbursed_eur = self.disbursed_eur

        unconverted_transactions = self.unconverted_transactions

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "committed_eur": committed_eur,
                "disbursed_eur": disbursed_eur,
                "unconverted_transactions": unconverted_transactions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        committed_eur = d.pop("committed_eur")

        disbursed_eur = d.pop("disbursed_eur")

        unconverted_transactions = d.pop("unconverted_transactions")

        totals = cls(
            committed_eur=committed_eur,
            disbursed_eur=disbursed_eur,
            unconverted_transactions=unconverted_transactions,
        )

        totals.additional_properties = d
        return totals

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
