from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="MemberSignature")


@_attrs_define
class MemberSignature:
    """One member state's signature of a charter or decision, as the hub relays it.

    The same JSON as ``concordia.identity.Signature`` (``concordia charter sign`` makes one).

    Example::

        MemberSignature(signer="se", key="ed25519:…", value="…")   # value: 86 chars base64url

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

        member_signature = cls(
            signer=signer,
            key=key,
            value=value,
        )

        return member_signature
