"""``NodeSignature``: a node key's signature as shared events carry it (no free text).

``concordia.identity.Signature`` holds the same three things as strings; this shape keeps to the
types the shared-model guard admits (a node code, a key written as a code, 64 opaque bytes), and
converts both ways.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from concordia.events._types import Code, OpaqueBytes, SubjectToken
from concordia.identity import PublicKey, Signature, b64, signing_input, unb64


class NodeSignature(BaseModel):
    """One node's Ed25519 signature of a signed document (``concordia.identity``).

    Example::

        NodeSignature.of(identity.sign_document("psi.request", body))
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    signer: SubjectToken = Field(description="The signing node's code.", examples=["se"])
    key: Code = Field(description="The public key used, `ed25519:<base64url>`.")
    value: OpaqueBytes = Field(description="The 64-byte Ed25519 signature.")

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        PublicKey.parse(value)
        return value

    @field_validator("value")
    @classmethod
    def _value(cls, value: bytes) -> bytes:
        if len(value) != 64:
            raise ValueError("an Ed25519 signature has 64 bytes")
        return value

    @classmethod
    def of(cls, signature: Signature) -> NodeSignature:
        """The shared form of a ``concordia.identity.Signature``."""
        return cls(signer=signature.signer, key=signature.key, value=unb64(signature.value))

    def signature(self) -> Signature:
        """The ``concordia.identity.Signature`` form."""
        return Signature(signer=self.signer, key=self.key, value=b64(self.value))

    def verifies(self, kind: str, body: Mapping[str, Any], keys: Mapping[str, PublicKey]) -> bool:
        """Whether the signer is in ``keys`` (a pinned directory's) and signed ``kind``/``body``."""
        key = keys.get(self.signer)
        return key is not None and self.signature().verifies(signing_input(kind, body), key)
