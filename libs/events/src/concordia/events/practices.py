"""Best practices between nodes: a node's broadcast that a practice exists (codes, never text).

A node's broadcast (``shared.<node>.broadcast.>``, e.g. ``PracticePublished``) is relayed by the
hub to every other country as ``hub.broadcast.<node>.>``.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from concordia.events._model import SharedEvent
from concordia.events._types import Code, SubjectToken


class PracticePublished(SharedEvent):
    """A best practice a node publishes for the whole coalition: its codes, never its text.

    The text stays in the node's exchange service; this tells the other nodes that a practice
    exists (topic, status, language, revision), so they can ask for it.

    Example::

        PracticePublished(node="se", practice="se-0042", revision=2, topic="work_permits",
                          status="pilot", language="en", published_at=now)
    """

    event_name: ClassVar[str] = "broadcast.practice.published"
    #: One subject per practice and revision: the node's outbound stream keeps each.
    once_per_subject: ClassVar[bool] = True

    node: SubjectToken = Field(description="The publishing node.", examples=["se"])
    practice: SubjectToken = Field(
        description="The practice's code at its node.", examples=["se-0042"]
    )
    revision: int = Field(ge=1, description="The practice's revision.", examples=[2])
    topic: Code = Field(description="The practice's topic code.", examples=["work_permits"])
    status: Literal["in_force", "pilot", "retired"] = Field(description="Its status.")
    language: Code = Field(description="Language of its text (BCP 47).", examples=["en"])
    published_at: datetime = Field(description="When the node published this revision (UTC).")

    @classmethod
    def subject_template(cls) -> str:
        """``shared.{node}.broadcast.practice.{practice}.r{revision}``."""
        return "shared.{node}.broadcast.practice.{practice}.r{revision}"

    def subject_params(self) -> dict[str, str]:
        """The practice and its revision."""
        return {"practice": self.practice, "revision": str(self.revision)}

    def producer(self) -> str:
        """The exchange service (best practices)."""
        return "exchange"

    def subject(self, node: str) -> str:
        """The practice's subject; ``node`` must be the practice's own node."""
        if node != self.node:
            raise ValueError(f"a practice of node {self.node!r} cannot be sent by {node!r}")
        return super().subject(node)
