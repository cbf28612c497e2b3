"""Applying what other nodes published: practices' revisions, endorsements and comments.

Each event is applied in the consumer's unit of work with its inbox row, so a redelivery
changes nothing; and applying is order-independent: a revision is stored once by
(practice, number) and the practice serves the highest number it has, so revisions arriving
late, early or twice end in the same state. A node's own events coming back are ignored.

An attachment arrives in pieces (``AttachmentChunkPublished``), kept in ``attachment_parts``
until all are in and the practice is known; then they are joined, and the whole is kept only if
its SHA-256, size and the type its content shows agree with what the pieces said.
"""

from __future__ import annotations

import hashlib
import logging
import uuid

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.changes import new_id
from concordia.events import (
    AttachmentChunkPublished,
    ContributionPublished,
    Envelope,
    Event,
    PracticeRevisionPublished,
)
from concordia.exchange import search
from concordia.exchange.attachments import extract_text, sniff
from concordia.exchange.models import (
    Attachment,
    AttachmentPart,
    Blob,
    Contribution,
    Practice,
    Revision,
)

log = logging.getLogger(__name__)

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
    elif isinstance(event, AttachmentChunkPublished) and event.node != node:
        await apply_chunk(session, event)


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
    await join_parts(session, practice_id)  # pieces that came before their practice
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


async def apply_chunk(session: AsyncSession, event: AttachmentChunkPublished) -> None:
    """Keep a piece of another node's attachment; join the pieces once all are in."""
    practice_id = uuid.UUID(hex=event.practice)
    if event.index >= event.count:
        log.warning("attachment piece out of range", extra={"practice": event.practice})
        return
    if await session.get(Attachment, (practice_id, event.sha256)) is not None:
        return  # already joined (a revision sent its attachments again)
    if await session.get(AttachmentPart, (practice_id, event.sha256, event.index)) is None:
        session.add(AttachmentPart(
            practice_id=practice_id, sha256=event.sha256, index=event.index, count=event.count,
            media_type=event.media_type, size=event.size, origin=event.node,
            content=event.data, published_at=event.published_at,
        ))  # fmt: skip
        await session.flush()
    await join_parts(session, practice_id)


async def join_parts(session: AsyncSession, practice_id: uuid.UUID) -> None:
    """Join every attachment of ``practice_id`` whose pieces are all in (the practice known)."""
    if await session.get(Practice, practice_id) is None:
        return
    held = await session.execute(
        select(AttachmentPart.sha256, AttachmentPart.count, func.count())
        .where(AttachmentPart.practice_id == practice_id)
        .group_by(AttachmentPart.sha256, AttachmentPart.count)
    )
    for sha256, count, pieces in held.all():
        if pieces == count:
            await _join(session, practice_id, sha256)


async def _join(session: AsyncSession, practice_id: uuid.UUID, sha256: str) -> None:
    parts = list(await session.scalars(
        select(AttachmentPart)
        .where(AttachmentPart.practice_id == practice_id, AttachmentPart.sha256 == sha256)
        .order_by(AttachmentPart.index)
    ))  # fmt: skip
    first = parts[0]
    content = b"".join(p.content for p in parts)
    await session.execute(
        delete(AttachmentPart).where(
            AttachmentPart.practice_id == practice_id, AttachmentPart.sha256 == sha256
        )
    )
    consistent = all(
        (p.count, p.media_type, p.size) == (first.count, first.media_type, first.size)
        for p in parts
    ) and [p.index for p in parts] == list(range(first.count))
    if (
        not consistent or len(content) != first.size
        or hashlib.sha256(content).hexdigest() != sha256 or sniff(content) != first.media_type
    ):  # fmt: skip
        log.warning(
            "attachment pieces refused: they do not make the attachment they announce",
            extra={"practice": practice_id.hex, "origin": first.origin},
        )
        return
    if await session.get(Blob, sha256) is None:
        session.add(Blob(sha256=sha256, content=content))
    session.add(Attachment(
        practice_id=practice_id, sha256=sha256, media_type=first.media_type, size=first.size,
        text=extract_text(content, first.media_type), owner=f"node:{first.origin}",
        created_at=first.published_at,
    ))  # fmt: skip
    await session.flush()
