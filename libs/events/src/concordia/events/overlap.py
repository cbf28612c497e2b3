"""Overlap detection between ledgers by private set intersection (ECDH PSI), relayed by the hub.

For one period and purpose, the hub runs each ordered pair of nodes (A client, B server)::

    hub → A   hub.psi.a.<run>.invite          PsiInvitation(role=client, peer=b)
    A → hub   shared.a.ledger.psi.<run>.request   PsiRequest   (or .result: declined)
    hub → B   hub.psi.b.<run>.invite          PsiInvitation(role=server, peer=a, request=...)
    B → hub   shared.b.ledger.psi.<run>.response  PsiResponse  (or .result: declined)
    hub → A   hub.psi.a.<run>.answer          PsiAnswer(setup, response)
    A → hub   shared.a.ledger.psi.<run>.result    PsiResult(count)

Only A learns which of its own organisation identifiers B funds too; B learns nothing; the hub
sees opaque bytes and the count. A's request and B's response are sealed by their ledger's node
key (``concordia.events.psi_seal``) and checked by the other before it answers or counts, so the
hub relays them but cannot forge, replay or redirect one. Set sizes are not sent: every set is
padded with random dummies to a power of two, and the server reads the padded size from the
request itself.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal, Self

from pydantic import Field, field_validator, model_validator

from concordia.core.types import QUARTER_PATTERN
from concordia.events._model import SharedEvent
from concordia.events._types import Code, OpaqueBytes, SubjectToken
from concordia.events.psi_seal import PsiSeal

PsiRole = Literal["client", "server"]
#: Why a node took no part in a run; no reason carries a number (a size stays home).
DeclineReason = Literal[
    "set_too_small",  # fewer grantees than the minimum set size: a tiny set is a disclosure
    "set_too_large",  # more than the node's maximum (keeps messages bounded)
    "rate_limited",  # too many runs today: with this peer for this period and purpose, or
    # (server role) in all, across every peer and purpose
    "period_out_of_range",  # neither the current nor the previous quarter at the node
    "unknown_purpose",  # the purpose is not in the node's code list
    "bad_message",  # the peer's request could not be read
    # The peer's message was refused before anything was read (``concordia.events.psi_seal``):
    "unsigned",
    "unknown_peer",
    "bad_signature",
    "wrong_recipient",
    "mismatch",
    "expired",
    "replayed",
]
#: How long a PSI message stays in the streams (``Nats-TTL``): a run is over within minutes.
PSI_MESSAGE_TTL_SECONDS = 3600
_QUARTER = re.compile(QUARTER_PATTERN)  # a year quarter_bounds can compute


def _run_id() -> Any:
    return Field(
        description="The run: one ordered pair, one period and purpose, fresh keys.",
        examples=["0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"],
    )


class _Addressed(SharedEvent):
    """A hub → node message: its subject names the addressee and the run."""

    node: SubjectToken = Field(description="The node this message is for.", examples=["se"])
    run_id: SubjectToken = _run_id()
    #: The last subject token, fixed per message type.
    step: ClassVar[str]

    @classmethod
    def subject_template(cls) -> str:
        """``hub.psi.{to}.{run}.<step>``."""
        return f"hub.psi.{{to}}.{{run}}.{cls.step}"

    def subject_params(self) -> dict[str, str]:
        """The addressee and the run."""
        return {"to": self.node, "run": self.run_id}


class _FromLedger(SharedEvent):
    """A ledger → hub message on ``shared.<node>.ledger.psi.<run>.<step>``."""

    run_id: SubjectToken = _run_id()
    step: ClassVar[str]

    @classmethod
    def subject_template(cls) -> str:
        """``shared.{node}.ledger.psi.{run}.<step>``."""
        return f"shared.{{node}}.ledger.psi.{{run}}.{cls.step}"

    def subject_params(self) -> dict[str, str]:
        """The run."""
        return {"run": self.run_id}


class PsiInvitation(_Addressed):
    """The hub asks a node to take part in one PSI run, as client or as server.

    Example::

        PsiInvitation(node="se", run_id="r1", period="2026-Q4", purpose="independent_media",
                      role="client", peer="pl")
    """

    event_name: ClassVar[str] = "hub.psi.invitation"
    step: ClassVar[str] = "invite"

    period: SubjectToken = Field(
        description="The quarter whose grants count.", examples=["2026-Q4"]
    )
    purpose: Code = Field(description="The grants' purpose code.", examples=["independent_media"])
    role: PsiRole = Field(
        description="`client` learns the intersection; `server` answers and learns nothing.",
        examples=["client"],
    )
    peer: SubjectToken = Field(description="The other node of the run.", examples=["pl"])
    request: OpaqueBytes | None = Field(
        default=None, description="For a server: the client's request (blinded identifiers)."
    )
    request_seal: PsiSeal | None = Field(
        default=None,
        description="For a server: the client ledger's seal of its request, as the client sent "
        "it (the hub relays it; the server refuses a request without a valid one).",
    )

    @field_validator("period")
    @classmethod
    def _quarter(cls, value: str) -> str:
        if not _QUARTER.fullmatch(value):
            raise ValueError("period must be a quarter such as 2026-Q4")
        return value

    @model_validator(mode="after")
    def _request_for_server_only(self) -> Self:
        if (self.role == "server") != (self.request is not None):
            raise ValueError("a server invitation carries the client's request; a client's none")
        if self.peer == self.node:
            raise ValueError("a node cannot run PSI with itself")
        return self


class PsiRequest(_FromLedger):
    """The client's request: its identifiers (padded) blinded with its one-run key.

    Example::

        PsiRequest(run_id="r1", request=b"...")
    """

    event_name: ClassVar[str] = "ledger.psi.request"
    step: ClassVar[str] = "request"

    request: OpaqueBytes = Field(description="The serialised PSI request.")
    seal: PsiSeal | None = Field(
        default=None, description="The client ledger's seal: for the server, this run only."
    )


class PsiResponse(_FromLedger):
    """The server's setup (its blinded identifiers) and the client's points re-blinded.

    Example::

        PsiResponse(run_id="r1", setup=b"...", response=b"...")
    """

    event_name: ClassVar[str] = "ledger.psi.response"
    step: ClassVar[str] = "response"

    setup: OpaqueBytes = Field(description="The serialised PSI server setup.")
    response: OpaqueBytes = Field(description="The serialised PSI response.")
    seal: PsiSeal | None = Field(
        default=None, description="The server ledger's seal: for the client, this run only."
    )


class PsiAnswer(_Addressed):
    """The hub hands the server's setup and response to the client.

    Example::

        PsiAnswer(node="se", run_id="r1", setup=b"...", response=b"...")
    """

    event_name: ClassVar[str] = "hub.psi.answer"
    step: ClassVar[str] = "answer"

    setup: OpaqueBytes = Field(description="The server's serialised PSI setup.")
    response: OpaqueBytes = Field(description="The server's serialised PSI response.")
    seal: PsiSeal | None = Field(
        default=None, description="The server ledger's seal, as the server sent it."
    )


class PsiResult(_FromLedger):
    """How a run ended at a node: the client's count, or a decline with a reason code.

    Example::

        PsiResult(run_id="r1", role="client", outcome="counted", count=3)
        PsiResult(run_id="r2", role="server", outcome="declined", reason="set_too_small")
    """

    event_name: ClassVar[str] = "ledger.psi.result"
    step: ClassVar[str] = "result"

    role: PsiRole = Field(description="The node's role in the run.", examples=["client"])
    outcome: Literal["counted", "declined"] = Field(examples=["counted"])
    count: int | None = Field(
        default=None, ge=0, description="Organisations in both sets (counted only).", examples=[3]
    )
    reason: DeclineReason | None = Field(
        default=None, description="Why the node declined (declined only).", examples=[None]
    )

    @model_validator(mode="after")
    def _count_or_reason(self) -> Self:
        if self.outcome == "counted" and (self.count is None or self.reason is not None):
            raise ValueError("a counted result carries a count and no reason")
        if self.outcome == "declined" and (self.count is not None or self.reason is None):
            raise ValueError("a declined result carries a reason and no count")
        if self.outcome == "counted" and self.role != "client":
            raise ValueError("only the client learns (and reports) a count")
        return self
