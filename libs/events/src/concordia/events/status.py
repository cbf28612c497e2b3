"""A service's heartbeat to the hub: the charter it runs and how far its outbox lags.

A service reports its status on ``shared.<node>.<service>.status``; the hub re-sends the charter
to services whose report shows an older one.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from concordia.events._model import SharedEvent
from concordia.events._signature import NodeSignature
from concordia.events._types import Code, SubjectToken


class CharterRefusal(BaseModel):
    """A charter a service refused: it loosens the node's own disclosure floors, or m of the
    members of the directory the node pinned did not sign it.

    Example::

        CharterRefusal(revision=4, version="2027.1", reasons=("k_below_floor",))
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    revision: int = Field(ge=1, description="The refused charter's revision.")
    version: Code = Field(description="The refused charter's version.", examples=["2027.1"])
    reasons: tuple[Code, ...] = Field(
        min_length=1,
        description="Which floors it breaks: `k_below_floor`, `dominance_n_below_floor`, "
        "`dominance_k_above_ceiling`, `p_percent_below_floor`, `rounding_below_floor`; or why "
        "its signatures fall short: `unsigned`, `not_enough_signatures`, `bad_signature`, "
        "`non_member_signature`, `no_directory` (the node pinned none).",
        examples=[["k_below_floor"]],
    )


class ServiceStatusReported(SharedEvent):
    """A service's heartbeat to the hub: the charter it runs and how far its outbox lags.

    Example::

        ServiceStatusReported(node="se", service="registry", charter_version="2026.1",
                              charter_revision=3, outbox_pending=0, sent_at=now)
    """

    event_name: ClassVar[str] = "service.status.reported"

    node: SubjectToken = Field(description="The reporting node.", examples=["se"])
    service: SubjectToken = Field(description="The reporting service.", examples=["registry"])
    charter_version: Code = Field(
        description="The charter version the service applies (`default` before any).",
        examples=["2026.1"],
    )
    charter_revision: int = Field(
        default=0, ge=0, description="The hub's revision number of that charter (0: built-in)."
    )
    outbox_pending: int = Field(
        ge=0,
        description="Shared events (subject `shared.…`) committed but not yet sent towards "
        "the hub; local events are not counted.",
        examples=[0],
    )
    sent_at: datetime = Field(description="When the service sent this report (UTC).")
    charter_refused: CharterRefusal | None = Field(
        default=None,
        description="The newest charter the service refused (it keeps running the one named "
        "above), or null.",
    )
    charter_pending: int | None = Field(
        default=None,
        ge=1,
        description="A signed charter revision the service holds and applies from its "
        "`effective` day (null: none waiting).",
    )
    decisions_held: int | None = Field(
        default=None,
        ge=0,
        description="The newest entry of the hub's decision log the service holds with every "
        "earlier one concerning its node (null: it does not follow decisions).",
    )
    signature: NodeSignature | None = Field(
        default=None,
        description="The node's signature of this report (``concordia.events.sign_event``).",
    )

    @classmethod
    def subject_template(cls) -> str:
        """``shared.{node}.{service}.status``: one subject per service, newest kept."""
        return "shared.{node}.{service}.status"

    def subject_params(self) -> dict[str, str]:
        """The reporting service."""
        return {"service": self.service}

    def producer(self) -> str:
        """The service named in the report."""
        return self.service

    def subject(self, node: str) -> str:
        """The report's subject; ``node`` must be the report's own node."""
        if node != self.node:
            raise ValueError(f"status of node {self.node!r} cannot be sent by {node!r}")
        return super().subject(node)
