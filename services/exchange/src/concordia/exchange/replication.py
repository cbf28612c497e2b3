"""Applying what other nodes published: practices' revisions, endorsements and comments.

Each event is applied in the consumer's unit of work with its inbox row, so a redelivery
changes nothing; and applying is order-independent: a revision is stored once by
(practice, number) and the practice serves the highest number it has, so revisions arriving
late, early or twice end in the same state. A node's own events coming back are ignored.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.changes import new_id
from concordia.events import ContributionPublished, Envelope, Event, PracticeRevisionPublished
from concordia.exchange import search
from concordia.exchange.models import Contribution, Practice, Revision

_CONTENT_FIELDS = (
    "title", "summary", "body", "topic", "legal_basis", "what_worked", "what_did_not",
    "standing", "country", "language", "tags", "author_role",
)  # fmt: skip


async def apply(session: AsyncSession, envelope: Envelope[Event], *, node: str) -> None:
    """Apply one replicated event (the consumer's handler)."""
    event = envelope.data
    if isinstance(event, PracticeRevisionPublished) and event.node != node:
        await apply_revision(session, event)
    elif isinstance(event, ContributionPublished) and event.node != node:
        await apply_contribution(session, event)


async def apply_revision(session: AsyncSession, event: PracticeRevisionPublished) -> None:
    """Store a published revision of another node's practice; serve the newest."""
    practice_id = uuid.UUID(hex=event.practice)
    known = await session.scalar(
        select(Revision.id).where(
            Revision.practice_id == practice_id, Revision.number == event.revision
        )
    )
    if known is not None:
        return
    content = event.model_dump(mode="json", include=set(_CONTENT_FIELDS))
    content["translations"] = [t.model_dump(mode="json") for t in event.translations]
    practice = await session.get(Practice, practice_id)
    if practice is None:
        practice = Practice(
            id=practice_id, origin=event.node, owner=f"node:{event.node}", workflow="published",
            revision=0, published_revision=None, created_at=event.created_at,
            updated_at=event.published_at,
        )  # fmt: skip
        practice.topic = practice.country = practice.language = practice.standing = ""
        practice.title, practice.languages = "", []
        session.add(practice)
        await session.flush()
    session.add(
        Revision(
            id=new_id(),
            practice_id=practice_id,
            number=event.revision,
            state="published",
            content=content,
            created_at=event.published_at,
            approved_at=event.published_at,
        )
    )
    if event.revision > practice.revision:
        practice.revision = practice.published_revision = event.revision
        practice.updated_at = event.published_at
        practice.topic, practice.country = content["topic"], content["country"]
        practice.language, practice.standing = content["language"], content["standing"]
        practice.title = content["title"]
        practice.languages = search.languages_of(content)
        await search.reindex(session, practice, content)


async def apply_contribution(session: AsyncSession, event: ContributionPublished) -> None:
    """Store another node's endorsement or comment (once)."""
    contribution_id = uuid.UUID(hex=event.contribution)
    if await session.get(Contribution, contribution_id) is not None:
        return
    session.add(
        Contribution(
            id=contribution_id,
            practice_id=uuid.UUID(hex=event.practice),
            kind=event.kind,
            endorsement=event.endorsement,
            role=event.role,
            country=event.country,
            origin=event.node,
            language=event.language,
            text=event.text,
            state="published",
            owner=f"node:{event.node}",
            created_at=event.created_at,
            published_at=event.published_at,
        )
    )
