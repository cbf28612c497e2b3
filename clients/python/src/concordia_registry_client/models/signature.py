from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Signature")


@_attrs_define
class Signature:
    """One member's signature of a document: who, with which key, and the signature.

    Example::

        Signature(signer="se", key="ed25519:…", value="…")   # value: base64url, 64 bytes

        Attributes:
            signer (str): The signing node's code.
            key (str): The public key used, `ed25519:<base64url>`.
            value (str): The Ed25519 signature, base64url.
    """

    signer: str
    key: str
    value: str

    def to_dict(self) -> dict[str, Any]:
        signer = self.signer

        key = self.key

        value = self.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "signer": signer,
                "key": key,
                "value": value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        signer = d.pop("signer")

        key = d.pop("key")

        value = d.pop("value")

        signature = cls(
            signer=signer,
            key=key,
            value=value,
        )

        return signature
