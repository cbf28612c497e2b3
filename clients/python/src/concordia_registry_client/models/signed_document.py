from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.signature import Signature
    from ..models.signed_document_body import SignedDocumentBody


T = TypeVar("T", bound="SignedDocument")


@_attrs_define
class SignedDocument:
    """A JSON body of some kind and the members' signatures of it.

    Example::

        doc = SignedDocument(kind="directory", body={...}).signed("se", key)
        doc.check(keys, required=2)        # SignatureError unless 2 members signed

        Attributes:
            kind (str):
            body (SignedDocumentBody):
            signatures (list[Signature] | Unset):
    """

    kind: str
    body: SignedDocumentBody
    signatures: list[Signature] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        body = self.body.to_dict()

        signatures: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.signatures, Unset):
            signatures = []
            for signatures_item_data in self.signatures:
                signatures_item = signatures_item_data.to_dict()
                signatures.append(signatures_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
                "body": body,
            }
        )
        if signatures is not UNSET:
            field_dict["signatures"] = signatures

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.signature import Signature
        from ..models.signed_document_body import SignedDocumentBody

        d = dict(src_dict)
        kind = d.pop("kind")

        body = SignedDocumentBody.from_dict(d.pop("body"))

        _signatures = d.pop("signatures", UNSET)
        signatures: list[Signature] | Unset = UNSET
        if _signatures is not UNSET:
            signatures = []
            for signatures_item_data in _signatures:
                signatures_item = Signature.from_dict(signatures_item_data)

                signatures.append(signatures_item)

        signed_document = cls(
            kind=kind,
            body=body,
            signatures=signatures,
        )

        return signed_document
