from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.rate_in_currency import RateInCurrency

T = TypeVar("T", bound="RateIn")


@_attrs_define
class RateIn:
    """EUR per one unit of ``currency``, valid from ``date`` until the next rate.

    Attributes:
        currency (RateInCurrency):
        date (datetime.date):
        rate (str): EUR per one unit of the currency, positive (JSON numbers work too).
    """

    currency: RateInCurrency
    date: datetime.date
    rate: str

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency.value

        date = self.date.isoformat()

        rate = self.rate

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "currency": currency,
                "date": date,
                "rate": rate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        currency = RateInCurrency(d.pop("currency"))

        date = datetime.date.fromisoformat(d.pop("date"))

        rate = d.pop("rate")

        rate_in = cls(
            currency=currency,
            date=date,
            rate=rate,
        )

        return rate_in
