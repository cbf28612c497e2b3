from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.transaction_create_currency import TransactionCreateCurrency
from ..models.transaction_create_type import TransactionCreateType
from ..types import UNSET, Unset

T = TypeVar("T", bound="TransactionCreate")


@_attrs_define
class TransactionCreate:
    """A transaction on a grant.

    Attributes:
        type_ (TransactionCreateType): IATI: 1 incoming funds, 2 outgoing commitment, 3 disbursement, 4 expenditure, 11
            incoming commitment, 12 outgoing pledge.
        amount (str): A positive amount, at most 2 decimal places (JSON numbers work too).
        currency (TransactionCreateCurrency):
        value_date (datetime.date):
        donor_id (None | Unset | UUID): If sent, must be the donor that owns the grant.
        external_id (None | str | Unset):
        description (None | str | Unset):
    """

    type_: TransactionCreateType
    amount: str
    currency: TransactionCreateCurrency
    value_date: datetime.date
    donor_id: Unset | UUID | None = UNSET
    external_id: str | Unset | None = UNSET
    description: str | Unset | None = UNSET

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        amount = self.amount

        currency = self.currency.value

        value_date = self.value_date.isoformat()

        donor_id: str | Unset | None
        if isinstance(self.donor_id, Unset):
            donor_id = UNSET
        elif isinstance(self.donor_id, UUID):
            donor_id = str(self.donor_id)
        else:
            donor_id = self.donor_id

        external_id: str | Unset | None
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        description: str | Unset | None
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "amount": amount,
                "currency": currency,
                "value_date": value_date,
            }
        )
        if donor_id is not UNSET:
            field_dict["donor_id"] = donor_id
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = TransactionCreateType(d.pop("type"))

        amount = d.pop("amount")

        currency = TransactionCreateCurrency(d.pop("currency"))

        value_date = datetime.date.fromisoformat(d.pop("value_date"))

        def _parse_donor_id(data: object) -> Unset | UUID | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                donor_id_type_0 = UUID(data)

                return donor_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        donor_id = _parse_donor_id(d.pop("donor_id", UNSET))

        def _parse_external_id(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("external_id", UNSET))

        def _parse_description(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        transaction_create = cls(
            type_=type_,
            amount=amount,
            currency=currency,
            value_date=value_date,
            donor_id=donor_id,
            external_id=external_id,
            description=description,
        )

        return transaction_create
