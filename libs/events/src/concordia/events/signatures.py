"""The member states' signatures on what the hub relays: charters and the group's decisions.

A charter or a decision of the coordination group takes effect only when ``m`` of the ``n``
members of the coalition's directory signed it with their node keys (``concordia.identity``):
each signature covers the RFC 8785 canonical form of the document's ``kind`` (``charter``,
``decision``) and body, so the hub, which collects and relays the signatures, cannot make one.
A node checks them against the directory it pinned and refuses what falls short.

``m`` comes from the charter (``signatures_required``), a simple majority of the directory's
members by default (or the directory's own threshold). A new charter needs the larger of its
own ``m`` and that of the charter it replaces: a charter cannot lower the bar it is adopted under.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from concordia.events._types import PUBLIC_KEY_PATTERN, SIGNATURE_PATTERN, SubjectToken
from concordia.identity import (
    Directory,
    Signature,
    required_signatures,
    shortfall,
    valid_signers,
)

#: The kinds of signed documents.
CHARTER = "charter"
DECISION = "decision"
#: Refusal reason: the node pinned no directory, so it knows no member's key.
NO_DIRECTORY = "no_directory"

SignatureValue = Annotated[str, StringConstraints(pattern=SIGNATURE_PATTERN)]
"""An Ed25519 signature in base64url (86 characters)."""


class MemberSignature(BaseModel):
    """One member state's signature of a charter or decision, as the hub relays it.

    The same JSON as ``concordia.identity.Signature`` (``concordia charter sign`` makes one).

    Example::

        MemberSignature(signer="se", key="ed25519:…", value="…")   # value: 86 chars base64url
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    signer: SubjectToken = Field(description="The signing node's code.", examples=["se"])
    key: str = Field(
        pattern=PUBLIC_KEY_PATTERN, description="The public key used, `ed25519:<base64url>`."
    )
    value: SignatureValue = Field(description="The Ed25519 signature, base64url.")

    @classmethod
    def of(cls, signature: Signature) -> MemberSignature:
        """The relayed form of an identity signature."""
        return cls.model_validate(signature.model_dump())

    def signature(self) -> Signature:
        """The identity form (what ``concordia.identity`` verifies)."""
        return Signature.model_validate(self.model_dump())


def required(directory: Directory, *ms: int | None) -> int:
    """How many members must sign: the largest of the ``m`` given, each None standing for the
    directory's default (its threshold, else a simple majority)."""
    n = len(directory.members)
    return max(
        (required_signatures(n, directory.threshold if m is None else m) for m in ms),
        default=directory.required(),
    )


def signature_shortfall(
    kind: str,
    body: Mapping[str, Any],
    signatures: Iterable[MemberSignature],
    directory: Directory | None,
    need: int | None = None,
) -> tuple[str, ...]:
    """Why the signatures do not make ``need`` (default: the directory's) valid members; ().

    Reason codes: ``no_directory``, ``unsigned``, ``not_enough_signatures``, ``bad_signature``,
    ``non_member_signature``.
    """
    if directory is None:
        return (NO_DIRECTORY,)
    return shortfall(
        kind,
        body,
        [s.signature() for s in signatures],
        directory.keys(),
        directory.required() if need is None else need,
    )


def valid_members(
    kind: str,
    body: Mapping[str, Any],
    signatures: Iterable[MemberSignature],
    directory: Directory | None,
) -> list[str]:
    """The members whose signature verifies, sorted."""
    if directory is None:
        return []
    return sorted(valid_signers(kind, body, [s.signature() for s in signatures], directory.keys()))
