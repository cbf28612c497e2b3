from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TransactionRead")


@_attrs_define
class TransactionRead:
    """A transaction, with its amount in EUR where a rate covers the value date.

    Attributes:
        id (UUID):
        grant_id (UUID):
        external_id (None | str):
        type_ (int):
        amount (str):
        currency (str):
        value_date (datetime.date):
        amount_eur (None | str):
        description (None | str):
        created_at (datetime.datetime):
    """

    id: UUID
    grant_id: UUID
    external_id: str | None
    type_: int
    amount: str
    currency: str
    value_date: datetime.date
    amount_eur: str | None
    description: str | None
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        grant_id = str(self.grant_id)

        external_id: str | None
        external_id = self.external_id

        type_ = self.type_

        amount = self.amount

        currency = self.currency

        value_date = self.value_date.isoformat()

        amount_eur: str | None
        amount_eur = self.amount_eur

        description: str | None
        description = self.description

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "grant_id": grant_id,
                "external_id": external_id,
                "type": type_,
                "amount": amount,
                "currency": currency,
                "value_date": value_date,
                "amount_eur": amount_eur,
                "description": description,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        grant_id = UUID(d.pop("grant_id"))

        def _parse_external_id(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        external_id = _parse_external_id(d.pop("external_id"))

        type_ = d.pop("type")

        amount = d.pop("amount")

        currency = d.pop("currency")

        value_date = datetime.date.fromisoformat(d.pop("value_date"))

        def _parse_amount_eur(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        amount_eur = _parse_amount_eur(d.pop("amount_eur"))

        def _parse_description(data: object) -> str | None:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        transaction_read = cls(
            id=id,
            grant_id=grant_id,
            external_id=external_id,
            type_=type_,
            amount=amount,
            currency=currency,
            value_date=value_date,
            amount_eur=amount_eur,
            description=description,
            created_at=created_at,
        )

        transaction_read.additional_properties = d
        return transaction_read

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
