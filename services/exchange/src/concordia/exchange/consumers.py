"""What the exchange consumes: the coalition's practices, endorsements, comments and the
pieces of practices' attachments."""

from __future__ import annotations

from concordia.events import (
    AttachmentChunkPublished,
    ContributionPublished,
    Envelope,
    Event,
    Handler,
    PracticeRevisionPublished,
)
from concordia.exchange import replication
from concordia.kit import Runtime

SUBJECTS: list[type[Event]] = [
    PracticeRevisionPublished,
    ContributionPublished,
    AttachmentChunkPublished,
]


def handler(rt: Runtime) -> Handler:
    """The inbox handler applying replicated events at node ``rt.settings.node``."""
    node = rt.settings.node

    async def handle(session: object, envelope: Envelope[Event]) -> None:
        await replication.apply(session, envelope, node=node)  # type: ignore[arg-type]

    return handle
