"""``NodeSignature``: a node key's signature as shared events carry it (no free text).

``concordia.identity.Signature`` holds the same three things as strings; this shape keeps to the
types the shared-model guard admits (a node code, a key written as a code, 64 opaque bytes), and
converts both ways.

Snapshots and status reports are signed by their node (``sign_event``): the signature covers the
signed document ``event.<event name>`` whose body is the event's JSON without its signature (and
without fields at their default). The hub checks it against the coalition directory
(``event_signature_problem``), so a table at the hub can be proved to come from its node.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, Protocol, TypeVar

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


class SigningIdentity(Protocol):
    """What signing needs of a node's identity (``concordia.identity.NodeIdentity``)."""

    node: str

    def sign_document(self, kind: str, body: Mapping[str, Any]) -> Signature: ...


E = TypeVar("E", bound=BaseModel)
#: Why an event's signature does not prove its node sent it (as the hub records it).
EventSignatureProblem = Literal["unsigned", "foreign_signer", "unknown_signer", "bad_signature"]


def event_kind(event: BaseModel) -> str:
    """The signed document kind of an event: ``event.<its event name>``."""
    return f"event.{getattr(event, 'event_name', type(event).__name__)}"


def event_body(event: BaseModel) -> dict[str, Any]:
    """What an event's signature covers: its JSON form without the signature and without
    fields at their default (so a reader with a newer model, which adds fields with defaults,
    checks the same bytes)."""
    return event.model_dump(mode="json", exclude={"signature"}, exclude_defaults=True)


def sign_event(event: E, identity: SigningIdentity) -> E:
    """A copy of ``event`` (a snapshot or status report) signed by ``identity``'s node key."""
    signature = identity.sign_document(event_kind(event), event_body(event))
    return event.model_copy(update={"signature": NodeSignature.of(signature)})


def event_signer(identity: SigningIdentity | None) -> Callable[[E], E] | None:
    """A function signing events with ``identity``; None without one (events go unsigned)."""
    if identity is None:
        return None
    bound = identity

    def sign(event: E) -> E:
        return sign_event(event, bound)

    return sign


def event_signature_problem(
    event: BaseModel, keys: Mapping[str, PublicKey]
) -> EventSignatureProblem | None:
    """Why ``event``'s signature does not prove that its ``node`` sent it; None when it does.

    ``keys``: the coalition directory's (code -> key).
    """
    signature = getattr(event, "signature", None)
    if not isinstance(signature, NodeSignature):
        return "unsigned"
    if signature.signer != getattr(event, "node", None):
        return "foreign_signer"
    if signature.signer not in keys:
        return "unknown_signer"
    if not signature.verifies(event_kind(event), event_body(event), keys):
        return "bad_signature"
    return None
