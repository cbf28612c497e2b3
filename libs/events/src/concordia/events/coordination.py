"""The coordination group's decisions, as the hub sends them to the nodes they concern.

The hub keeps a log of every decision and of every change to one (a follow-up done, a charter
revision in force); each entry has the next number of the log (``seq``). It publishes an entry
on ``hub.decision`` into the account of each node it concerns, with ``previous``: the number of
the entry before it that concerns the same node. A node keeps an entry, and counts it as held,
only when it holds that previous one too; it reports the newest entry it holds in its status
(``decisions_held``), and the hub sends again whatever comes after. So a node that was offline
when a decision was taken still gets it, in order, once, however often it is sent.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from concordia.events._model import SharedEvent
from concordia.events._types import CoalitionText, Code, SubjectToken
from concordia.events.signatures import DECISION, MemberSignature

DecisionStatus = Literal["taken", "pending_signatures", "in_force", "done"]


class FollowUp(BaseModel):
    """One action a decision asks for: who acts (a member, by role), by when, and if done."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action: CoalitionText = Field(description="What is to be done.")
    actor: Code = Field(description="The member who acts: `state:se`, `donor:fund-a`.")
    due: date | None = Field(default=None, description="By when.")
    done_at: datetime | None = Field(default=None, description="When it was reported done.")


class CoalitionDecisionPublished(SharedEvent):
    """One entry of the hub's decision log: a decision as it stands after its newest change.

    Example::

        CoalitionDecisionPublished(seq=7, previous=3, decision_id="d-1f2e", item_id="a-9c1d",
            title="Raise the non-Russian share", decided="...", rationale="...",
            concerns=("se",), status="taken", follow_ups=(...), decided_at=now)
    """

    event_name: ClassVar[str] = "hub.decision.published"

    seq: int = Field(ge=1, description="This entry's number in the hub's decision log.")
    previous: int = Field(
        ge=0,
        description="The number of the previous entry concerning the receiving node (0: none).",
    )
    decision_id: Code = Field(description="The decision.", examples=["d-5f0c2a9e"])
    item_id: Code = Field(description="The agenda item it closed.", examples=["a-77b1e0d2"])
    title: CoalitionText = Field(description="The agenda item's title.")
    decided: CoalitionText = Field(description="What was decided.")
    rationale: CoalitionText = Field(description="Why.")
    period: SubjectToken | None = Field(default=None, description="The period it is about.")
    concerns: tuple[SubjectToken, ...] = Field(
        default=(), description="The nodes it concerns (empty: every node)."
    )
    due: date | None = Field(default=None, description="By when it is to be carried out.")
    status: DecisionStatus = Field(
        description="`pending_signatures` (awaiting m members' signatures of the decision "
        "and, for a charter change, of that charter); `in_force` (signed, and its charter "
        "revision adopted); `done` (every follow-up done); `taken` (an unsigned decision of an "
        "older hub)."
    )
    charter_version: Code | None = Field(
        default=None, description="The charter version the decision adopts, if any."
    )
    follow_ups: tuple[FollowUp, ...] = Field(default=(), description="Its follow-up actions.")
    decided_at: datetime = Field(description="When it was taken (UTC).")
    signatures: tuple[MemberSignature, ...] = Field(
        default=(), max_length=64,
        description="The member states' signatures of the decision (`signed_body`, kind "
        "`decision`); a node holds it as in force only with m valid ones.",
    )  # fmt: skip

    def signed_body(self) -> dict[str, Any]:
        """What the members sign (kind ``decision``): what was decided, not how it went on."""
        body = self.model_dump(
            mode="json",
            include={"decision_id", "item_id", "decided", "rationale", "period", "concerns",
                     "due", "charter_version", "decided_at"},
        )  # fmt: skip
        body["follow_ups"] = [
            f.model_dump(mode="json", exclude={"done_at"}) for f in self.follow_ups
        ]
        return body

    def document(self) -> tuple[str, dict[str, Any]]:
        """The signed document's kind and body."""
        return DECISION, self.signed_body()

    @classmethod
    def subject_template(cls) -> str:
        """``hub.decision``: one subject the hub sends into each country's account."""
        return "hub.decision"

    def producer(self) -> str:
        """The hub."""
        return "hub"

    def concerns_node(self, node: str) -> bool:
        """Whether the decision concerns ``node`` (every node when it names none)."""
        return not self.concerns or node in self.concerns
