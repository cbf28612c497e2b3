from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.feed_donor_type import FeedDonorType

T = TypeVar("T", bound="FeedDonor")


@_attrs_define
class FeedDonor:
    """The donor of a grant.

    Attributes:
        id (str):
        identifier (str): The donor's organisation identifier (org-id.guide).
        name (str):
        type_ (FeedDonorType):
        country (str):
    """

    id: str
    identifier: str
    name: str
    type_: FeedDonorType
    country: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        identifier = self.identifier

        name = self.name

        type_ = self.type_.value

        country = self.country

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
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
        id = d.pop("id")

        identifier = d.pop("identifier")

        name = d.pop("name")

        type_ = FeedDonorType(d.pop("type"))

        country = d.pop("country")

        feed_donor = cls(
            id=id,
            identifier=identifier,
            name=name,
            type_=type_,
            country=country,
        )

        feed_donor.additional_properties = d
        return feed_donor

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
