from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.family_member_relation import FamilyMemberRelation

T = TypeVar("T", bound="FamilyMember")


@_attrs_define
class FamilyMember:
    """Family members of one relation, counted (names stay with the agency).

    Attributes:
        relation (FamilyMemberRelation):
        count (int):
    """

    relation: FamilyMemberRelation
    count: int

    def to_dict(self) -> dict[str, Any]:
        relation = self.relation.value

        count = self.count

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "relation": relation,
                "count": count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        relation = FamilyMemberRelation(d.pop("relation"))

        count = d.pop("count")

        family_member = cls(
            relation=relation,
            count=count,
        )

        return family_member
