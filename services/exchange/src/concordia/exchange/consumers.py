"""What the exchange consumes: the coalition's practices, endorsements and comments."""

from __future__ import annotations

from concordia.events import (
    ContributionPublished,
    Envelope,
    Event,
    Handler,
    PracticeRevisionPublished,
)
from concordia.exchange import replication
from concordia.kit import Runtime

SUBJECTS: list[type[Event]] = [PracticeRevisionPublished, ContributionPublished]


def handler(rt: Runtime) -> Handler:
    """The inbox handler applying replicated events at node ``rt.settings.node``."""
    node = rt.settings.node

    async def handle(session: object, envelope: Envelope[Event]) -> None:
        await replication.apply(session, envelope, node=node)  # type: ignore[arg-type]

    return handle
