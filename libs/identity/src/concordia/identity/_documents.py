"""Signed documents: a body of JSON, canonicalised (RFC 8785), signed by m of n members.

What a signature covers is ``b"concordia-signed-v1\\n"`` followed by the RFC 8785 canonical JSON
of ``{"kind": kind, "body": body}``: the kind (``charter``, ``directory``, ``psi``…) is inside, so
a signature of one kind of document never passes as another's, and the prefix keeps document
signatures apart from raw ones (``NodeIdentity.sign``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any, Self

import rfc8785
from pydantic import BaseModel, ConfigDict, Field, field_validator

from concordia.identity._keys import NodeKey, PublicKey, b64, unb64

DOCUMENT_DOMAIN = b"concordia-signed-v1\n"

#: Why a document's signatures do not suffice (reason codes, as the hub shows them).
UNSIGNED = "unsigned"
NOT_ENOUGH_SIGNATURES = "not_enough_signatures"
BAD_SIGNATURE = "bad_signature"
NON_MEMBER_SIGNATURE = "non_member_signature"

NODE_CODE = r"^[a-z]{2}$"


def canonical(value: Any) -> bytes:
    """The RFC 8785 (JCS) canonical JSON of ``value`` (floats refused: use decimal strings)."""
    return rfc8785.dumps(value)


def signing_input(kind: str, body: Mapping[str, Any]) -> bytes:
    """The exact bytes a signature of document ``kind`` with ``body`` covers."""
    return DOCUMENT_DOMAIN + canonical({"kind": kind, "body": dict(body)})


def body_digest(kind: str, body: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the signing input: names one document, whoever signed it."""
    return hashlib.sha256(signing_input(kind, body)).hexdigest()


class Signature(BaseModel):
    """One member's signature of a document: who, with which key, and the signature.

    Example::

        Signature(signer="se", key="ed25519:…", value="…")   # value: base64url, 64 bytes
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    signer: str = Field(pattern=NODE_CODE, description="The signing node's code.")
    key: str = Field(max_length=64, description="The public key used, `ed25519:<base64url>`.")
    value: str = Field(max_length=100, description="The Ed25519 signature, base64url.")

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        PublicKey.parse(value)
        return value

    @field_validator("value")
    @classmethod
    def _value(cls, value: str) -> str:
        if len(unb64(value)) != 64:
            raise ValueError("an Ed25519 signature has 64 bytes")
        return value

    def verifies(self, data: bytes, key: PublicKey) -> bool:
        """Whether this is ``key``'s signature of ``data`` (and names that key)."""
        return self.key == key.text and key.verify(data, unb64(self.value))


def sign(kind: str, body: Mapping[str, Any], signer: str, key: NodeKey) -> Signature:
    """``signer``'s signature of the document ``kind``/``body`` with ``key``."""
    return Signature(
        signer=signer, key=key.public.text, value=b64(key.sign(signing_input(kind, body)))
    )


def valid_signers(
    kind: str,
    body: Mapping[str, Any],
    signatures: Iterable[Signature],
    keys: Mapping[str, PublicKey],
) -> frozenset[str]:
    """The members (``keys``: code -> key) whose signature of the document verifies.

    A signer counts once however often it signs; a non-member or a wrong key counts for nothing.
    """
    data = signing_input(kind, body)
    return frozenset(
        s.signer for s in signatures if s.signer in keys and s.verifies(data, keys[s.signer])
    )


def majority(n: int) -> int:
    """A simple majority of ``n`` members."""
    return n // 2 + 1


def required_signatures(n: int, m: int | None) -> int:
    """How many of ``n`` members must sign: ``m`` (at most ``n``), a simple majority by default."""
    if n < 1:
        raise ValueError("a coalition without members signs nothing")
    return majority(n) if m is None else max(1, min(m, n))


def shortfall(
    kind: str,
    body: Mapping[str, Any],
    signatures: Iterable[Signature],
    keys: Mapping[str, PublicKey],
    required: int,
) -> tuple[str, ...]:
    """Why the signatures do not make ``required`` valid members; () when they do.

    Reason codes: ``unsigned``, ``not_enough_signatures``, and beside the latter
    ``bad_signature`` (a member's signature that does not verify with its key) and
    ``non_member_signature`` (a signer outside ``keys``).
    """
    signatures = tuple(signatures)
    if not signatures:
        return (UNSIGNED,)
    valid = valid_signers(kind, body, signatures, keys)
    if len(valid) >= required:
        return ()
    reasons = [NOT_ENOUGH_SIGNATURES]
    if any(s.signer in keys and s.signer not in valid for s in signatures):
        reasons.append(BAD_SIGNATURE)
    if any(s.signer not in keys for s in signatures):
        reasons.append(NON_MEMBER_SIGNATURE)
    return tuple(reasons)


class SignatureError(ValueError):
    """A document without enough valid signatures; ``reasons`` are the codes of ``shortfall``."""

    def __init__(self, reasons: tuple[str, ...], what: str = "document") -> None:
        super().__init__(f"{what} refused: {', '.join(reasons)}")
        self.reasons = reasons


class SignedDocument(BaseModel):
    """A JSON body of some kind and the members' signatures of it.

    Example::

        doc = SignedDocument(kind="directory", body={...}).signed("se", key)
        doc.check(keys, required=2)        # SignatureError unless 2 members signed
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str = Field(pattern=r"^[a-z][a-z0-9_.-]{0,63}$")
    body: dict[str, Any]
    signatures: tuple[Signature, ...] = Field(default=(), max_length=64)

    @property
    def digest(self) -> str:
        """SHA-256 (hex) of what is signed."""
        return body_digest(self.kind, self.body)

    def signed(self, signer: str, key: NodeKey) -> Self:
        """A copy with ``signer``'s signature by ``key`` added (one by the same key replaced)."""
        mine = sign(self.kind, self.body, signer, key)
        kept = tuple(s for s in self.signatures if not (s.signer == signer and s.key == mine.key))
        return self.model_copy(update={"signatures": (*kept, mine)})

    def signers(self, keys: Mapping[str, PublicKey]) -> frozenset[str]:
        """The members whose signature verifies."""
        return valid_signers(self.kind, self.body, self.signatures, keys)

    def check(self, keys: Mapping[str, PublicKey], required: int) -> frozenset[str]:
        """The valid signers; ``SignatureError`` unless at least ``required``."""
        reasons = shortfall(self.kind, self.body, self.signatures, keys, required)
        if reasons:
            raise SignatureError(reasons, self.kind)
        return self.signers(keys)
