from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.donor_create_country import DonorCreateCountry
from ..models.donor_create_type import DonorCreateType

T = TypeVar("T", bound="DonorCreate")


@_attrs_define
class DonorCreate:
    """A new donor.

    Attributes:
        identifier (str):
        name (str):
        type_ (DonorCreateType):
        country (DonorCreateCountry):
    """

    identifier: str
    name: str
    type_: DonorCreateType
    country: DonorCreateCountry

    def to_dict(self) -> dict[str, Any]:
        identifier = self.identifier

        name = self.name

        type_ = self.type_.value

        country = self.country.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "identifier": identifier,
                "name": name,
                "type": type_,
                "country": country,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        identifier = d.pop("identifier")

        name = d.pop("name")

        type_ = DonorCreateType(d.pop("type"))

        country = DonorCreateCountry(d.pop("country"))

        donor_create = cls(
            identifier=identifier,
            name=name,
            type_=type_,
            country=country,
        )

        return donor_create
