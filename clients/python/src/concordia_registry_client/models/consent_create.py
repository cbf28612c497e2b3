from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.consent_create_purpose import ConsentCreatePurpose

T = TypeVar("T", bound="ConsentCreate")


@_attrs_define
class ConsentCreate:
    """A consent given by the person.

    Attributes:
        purpose (ConsentCreatePurpose):
        basis (str):
    """

    purpose: ConsentCreatePurpose
    basis: str

    def to_dict(self) -> dict[str, Any]:
        purpose = self.purpose.value

        basis = self.basis

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "purpose": purpose,
                "basis": basis,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        purpose = ConsentCreatePurpose(d.pop("purpose"))

        basis = d.pop("basis")

        consent_create = cls(
            purpose=purpose,
            basis=basis,
        )

        return consent_create
