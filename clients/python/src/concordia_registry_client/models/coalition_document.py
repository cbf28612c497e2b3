from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.coalition_document_kind import CoalitionDocumentKind

if TYPE_CHECKING:
    from ..models.coalition_document_body import CoalitionDocumentBody


T = TypeVar("T", bound="CoalitionDocument")


@_attrs_define
class CoalitionDocument:
    """A document a node's API signs (``POST /v1/coalition/signatures``): a proposed charter or
    a decision of the coordination group, as the hub serves it (its signatures need not come
    along: this node's is added to none of them).

        Attributes:
            kind (CoalitionDocumentKind):
            body (CoalitionDocumentBody):
    """

    kind: CoalitionDocumentKind
    body: CoalitionDocumentBody
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        body = self.body.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "body": body,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.coalition_document_body import CoalitionDocumentBody

        d = dict(src_dict)
        kind = CoalitionDocumentKind(d.pop("kind"))

        body = CoalitionDocumentBody.from_dict(d.pop("body"))

        coalition_document = cls(
            kind=kind,
            body=body,
        )

        coalition_document.additional_properties = d
        return coalition_document

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
