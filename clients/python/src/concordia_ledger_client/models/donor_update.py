from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.donor_update_country import DonorUpdateCountry
from ..models.donor_update_type import DonorUpdateType
from ..types import UNSET, Unset

T = TypeVar("T", bound="DonorUpdate")


@_attrs_define
class DonorUpdate:
    """A partial change of a donor.

    Attributes:
        identifier (str | Unset):
        name (str | Unset):
        type_ (DonorUpdateType | Unset):
        country (DonorUpdateCountry | Unset):
    """

    identifier: str | Unset = UNSET
    name: str | Unset = UNSET
    type_: DonorUpdateType | Unset = UNSET
    country: DonorUpdateCountry | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        identifier = self.identifier

        name = self.name

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        country: str | Unset = UNSET
        if not isinstance(self.country, Unset):
            country = self.country.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if identifier is not UNSET:
            field_dict["identifier"] = identifier
        if name is not UNSET:
            field_dict["name"] = name
        if type_ is not UNSET:
            field_dict["type"] = type_
        if country is not UNSET:
            field_dict["country"] = country

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        identifier = d.pop("identifier", UNSET)

        name = d.pop("name", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: DonorUpdateType | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = DonorUpdateType(_type_)

        _country = d.pop("country", UNSET)
        country: DonorUpdateCountry | Unset
        if isinstance(_country, Unset):
            country = UNSET
        else:
            country = DonorUpdateCountry(_country)

        donor_update = cls(
            identifier=identifier,
            name=name,
            type_=type_,
            country=country,
        )

        return donor_update
