"""Seals: the sending ledger's signature of one PSI request or response, checked by the receiver.

The hub relays PSI messages but cannot make one: every request and response carries a
``PsiSeal``, the sending node's Ed25519 signature (``concordia.identity``, document kind
``psi.request`` or ``psi.response``) over

* who sends it and to whom (``sender``, ``recipient``): a message redirected to another node is
  refused there (``wrong_recipient``);
* the run, its purpose and period: a message moved to another run or scope is refused
  (``mismatch``); a run id the receiver has seen before is refused (``replayed``);
* when it expires (``expired`` after, and a seal claiming more than ``MAX_SEAL_SECONDS`` is
  refused as well);
* the SHA-256 of the opaque payload (a response's digest also covers the request it answers).

The receiver checks the seal against the key its *pinned* directory lists for the sender, before
it reads its grantees (``unknown_peer`` when the sender is not a member, ``unsigned`` without a
seal, ``bad_signature`` when the signature does not verify).

Example::

    seal = make_seal(identity, step="request", recipient="pl", run_id="r1",
                     purpose="independent_media", period="2026-Q4",
                     digest=payload_digest(request), now=now, ttl=900)
    problem = check_seal(seal, identity.keys(), step="request", sender="se", recipient="pl",
                         run_id="r1", purpose="independent_media", period="2026-Q4",
                         digest=payload_digest(request), now=now)   # None: good
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from concordia.events._signature import NodeSignature, SigningIdentity
from concordia.events._types import Code, SubjectToken
from concordia.identity import PublicKey

PsiStep = Literal["request", "response"]
#: Why a node refused a PSI message (its sender could not be authenticated or it was not for
#: this run, this node or this moment). No code carries anything about the node's set.
SealProblem = Literal[
    "unsigned",  # no seal, or this node has no identity to check one with
    "unknown_peer",  # the sender is not in the node's pinned directory
    "bad_signature",  # the seal does not verify with the sender's pinned key
    "wrong_recipient",  # sealed for another node (redirected)
    "mismatch",  # sealed for another run, purpose, period, step or payload
    "expired",  # past its expiry, or claiming too long a life
    "replayed",  # a run id this node has seen before
]
SEAL_PROBLEMS: tuple[str, ...] = SealProblem.__args__  # type: ignore[attr-defined]
#: The longest life a seal may claim (a run is over within minutes).
MAX_SEAL_SECONDS = 3600


class PsiSeal(BaseModel):
    """The sending ledger's signature of one PSI message, bound to its run.

    Example::

        PsiSeal(step="request", sender="se", recipient="pl", run_id="r1", purpose="…",
                period="2026-Q4", expires_at=…, digest="9f…", signature=Signature(...))
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    step: PsiStep = Field(description="What is sealed: the client's request or the server's.")
    sender: SubjectToken = Field(description="The node that sent and signed.", examples=["se"])
    recipient: SubjectToken = Field(description="The only node that may accept it.")
    run_id: SubjectToken = Field(description="The run it belongs to.")
    purpose: Code = Field(description="The run's purpose code.")
    period: SubjectToken = Field(description="The run's quarter.", examples=["2026-Q4"])
    expires_at: datetime = Field(description="Refused after this moment (UTC).")
    digest: Code = Field(description="SHA-256 (hex) of the sealed payload.")
    signature: NodeSignature = Field(description="The sender's node key's signature of the rest.")

    @field_validator("expires_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("expires_at carries a time zone")
        return value

    @field_validator("digest")
    @classmethod
    def _sha256(cls, value: str) -> str:
        if len(value) != 64 or set(value) - set("0123456789abcdef"):
            raise ValueError("a digest is 64 lower-case hex digits")
        return value

    def body(self) -> dict[str, Any]:
        """What the signature covers: everything but the signature (the time in UTC, seconds)."""
        return {
            "step": self.step, "sender": self.sender, "recipient": self.recipient,
            "run_id": self.run_id, "purpose": self.purpose, "period": self.period,
            "expires_at": self.expires_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "digest": self.digest,
        }  # fmt: skip

    @property
    def kind(self) -> str:
        """The signed document's kind: ``psi.request`` or ``psi.response``."""
        return f"psi.{self.step}"


def payload_digest(*parts: bytes) -> str:
    """SHA-256 (hex) of a payload: one part's hash, or of several parts' hashes in order."""
    if len(parts) == 1:
        return hashlib.sha256(parts[0]).hexdigest()
    joined = "\n".join(hashlib.sha256(part).hexdigest() for part in parts)
    return hashlib.sha256(joined.encode()).hexdigest()


def response_digest(request: bytes, setup: bytes, response: bytes) -> str:
    """A response's digest: its setup and response, and the request it answers."""
    return payload_digest(request, setup, response)


def make_seal(
    identity: SigningIdentity,
    *,
    step: PsiStep,
    recipient: str,
    run_id: str,
    purpose: str,
    period: str,
    digest: str,
    now: datetime,
    ttl: float,
) -> PsiSeal:
    """``identity``'s seal of a message for ``recipient``, valid ``ttl`` seconds from ``now``."""
    ttl = min(float(ttl), float(MAX_SEAL_SECONDS))
    fields: dict[str, Any] = {
        "step": step, "sender": identity.node, "recipient": recipient, "run_id": run_id,
        "purpose": purpose, "period": period,
        "expires_at": (now + timedelta(seconds=ttl)).replace(microsecond=0),
        "digest": digest,
    }  # fmt: skip
    unsigned = PsiSeal.model_construct(**fields)
    signature = identity.sign_document(unsigned.kind, unsigned.body())
    return PsiSeal(**fields, signature=NodeSignature.of(signature))


def check_seal(
    seal: PsiSeal | None,
    keys: Mapping[str, PublicKey],
    *,
    step: PsiStep,
    sender: str,
    recipient: str,
    run_id: str,
    purpose: str,
    period: str,
    digest: str,
    now: datetime,
) -> SealProblem | None:
    """Why ``seal`` does not make its message acceptable here; None when it does.

    ``keys`` are the pinned directory's (code -> key); ``sender`` is who the message should come
    from (the run's peer), ``recipient`` this node.
    """
    if sender not in keys:
        return "unknown_peer"
    if seal is None:
        return "unsigned"
    if seal.sender not in keys:
        return "unknown_peer"
    if seal.signature.signer != seal.sender or not seal.signature.verifies(
        seal.kind, seal.body(), keys
    ):
        return "bad_signature"
    if seal.recipient != recipient:
        return "wrong_recipient"
    expected = (step, sender, run_id, purpose, period, digest)
    if (seal.step, seal.sender, seal.run_id, seal.purpose, seal.period, seal.digest) != expected:
        return "mismatch"
    if seal.expires_at <= now or seal.expires_at > now + timedelta(seconds=MAX_SEAL_SECONDS):
        return "expired"
    return None
