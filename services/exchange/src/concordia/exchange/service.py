"""Practices and their revisions: create, edit (a new revision each time), submit, approve.

Services take a session and never commit. Edits are accepted only at a practice's origin node;
a replica answers 409. Approval needs a second person (``exchange:approve``, not the revision's
author: another token) and a clean screen by the node's registry, or a
recorded reason to override a match judged false; then the revision leaves through the outbox.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import orjson
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.auth import Principal
from concordia.core.changes import new_id, now
from concordia.core.db import get_or_404
from concordia.core.errors import (
    ConflictError,
    DomainError,
    InconsistentError,
    NotFoundError,
    PreconditionFailedError,
)
from concordia.events import (
    MAX_CHUNK_BYTES,
    AttachmentChunkPublished,
    AttachmentRefV1,
    PracticeRevisionPublished,
    PracticeTranslationV1,
)
from concordia.exchange import search
from concordia.exchange.models import Attachment, Blob, Practice, Revision
from concordia.exchange.schemas import (
    PracticeCreate,
    PracticeFields,
    PracticeRead,
    PracticeUpdate,
    RevisionRead,
)
from concordia.exchange.screening import RegistryScreen, ScreenMatchError
from concordia.kit.tables import outbox


class FourEyesError(DomainError):
    """The approver wrote what they approve: a second person must."""

    status = 403


def owner_of(principal: Principal) -> str:
    """The owner recorded on a record: the token's owner (an agency, or ``operator``)."""
    return principal.owner


def same_person(principal: Principal, token: str | None, owner: str | None) -> bool:
    """Whether ``principal`` is the author: the same token.

    Owners are organisations (``agency:se-migration``), not people: two officials of one agency
    are two pairs of eyes, so only the token tells the author apart. ``owner`` is kept for the
    record and for callers that want a stricter rule.
    """
    del owner
    return principal.token_id == token


async def load(session: AsyncSession, practice_id: uuid.UUID) -> Practice:
    """The practice, or 404."""
    return await get_or_404(session, Practice, practice_id, "practice")


def editable(practice: Practice, node: str) -> None:
    """Refuse (409) any change to a practice written at another node."""
    if practice.origin != node:
        raise ConflictError(
            f"practice {practice.id} belongs to node {practice.origin!r}: "
            "only its origin node accepts edits; this copy is read-only"
        )


async def revision(session: AsyncSession, practice_id: uuid.UUID, number: int) -> Revision:
    """One revision of a practice, or 404."""
    found = await session.scalar(
        select(Revision).where(Revision.practice_id == practice_id, Revision.number == number)
    )
    if found is None:
        raise NotFoundError(f"practice {practice_id} has no revision {number}")
    return found


def _denormalise(practice: Practice, content: dict[str, Any]) -> None:
    practice.topic, practice.country = content["topic"], content["country"]
    practice.language, practice.standing = content["language"], content["standing"]
    practice.title = content["title"]
    practice.languages = search.languages_of(content)


async def create(
    *, session: AsyncSession, node: str, principal: Principal, data: PracticeCreate
) -> Practice:
    """A new practice and its first revision, a draft."""
    at, content = now(), data.model_dump(mode="json")
    practice = Practice(
        id=new_id(), origin=node, owner=owner_of(principal), workflow="draft", revision=1,
        published_revision=None, created_at=at, updated_at=at,
    )  # fmt: skip
    _denormalise(practice, content)
    session.add(practice)
    await session.flush()
    session.add(_new_revision(practice.id, 1, content, principal, at))
    await search.reindex(session, practice, content)
    return practice


def _new_revision(
    practice_id: uuid.UUID, number: int, content: dict[str, Any], principal: Principal, at: Any
) -> Revision:
    return Revision(
        id=new_id(), practice_id=practice_id, number=number, state="draft", content=content,
        author_token=principal.token_id, author_owner=owner_of(principal), created_at=at,
    )  # fmt: skip


def _whole(merged: dict[str, Any]) -> dict[str, Any]:
    """A revision's content validated again as a whole: a translation may now clash with a
    changed language (409, a rule between fields; the fields sent were each valid)."""
    try:
        return PracticeFields.model_validate_json(orjson.dumps(merged)).model_dump(mode="json")
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ["body", *first["loc"]] if first["loc"] else ["body", "translations"]
        raise InconsistentError(loc, first["msg"]) from exc


async def update(
    *,
    session: AsyncSession,
    node: str,
    principal: Principal,
    practice_id: uuid.UUID,
    data: PracticeUpdate,
    expected: int | None,
) -> Practice:
    """Edit a practice: a new draft revision from the newest one and the fields sent."""
    practice = await load(session, practice_id)
    editable(practice, node)
    if expected is not None and expected != practice.revision:
        raise PreconditionFailedError(
            f"practice {practice_id} is at revision {practice.revision}, not {expected}"
        )
    newest = await revision(session, practice_id, practice.revision)
    merged = newest.content | data.model_dump(mode="json", exclude_unset=True)
    content = _whole(merged)
    if newest.state in ("draft", "in_review"):
        newest.state = "superseded"
    at = now()
    practice.revision += 1
    practice.workflow, practice.updated_at = "draft", at
    session.add(_new_revision(practice_id, practice.revision, content, principal, at))
    _denormalise(practice, content)
    await search.reindex(session, practice, content)
    return practice


async def submit(
    *, session: AsyncSession, node: str, practice_id: uuid.UUID, expected: int | None
) -> Practice:
    """Put the newest revision up for review."""
    practice = await load(session, practice_id)
    editable(practice, node)
    if expected is not None and expected != practice.revision:
        raise PreconditionFailedError(f"practice {practice_id} is at {practice.revision}")
    newest = await revision(session, practice_id, practice.revision)
    if newest.state != "draft":
        raise ConflictError(f"revision {newest.number} is {newest.state}, not a draft")
    newest.state = practice.workflow = "in_review"
    practice.updated_at = now()
    return practice


def screen_texts(content: dict[str, Any], attachments: list[Attachment]) -> list[tuple[str, str]]:
    """Every text of a revision and its attachments, labelled by where it comes from."""
    texts = [(name, content[name]) for name in search.TEXT_FIELDS if content.get(name)]
    for i, t in enumerate(content.get("translations", [])):
        texts += [(f"translations[{i}].{k}", t[k]) for k in ("title", "summary", "body")]
    texts += [(f"attachments.{a.sha256[:12]}", a.text or "") for a in attachments if a.text]
    return texts


async def approve(
    *,
    session: AsyncSession,
    node: str,
    principal: Principal,
    practice_id: uuid.UUID,
    override_reason: str | None,
    screen: RegistryScreen,
) -> Practice:
    """Approve the revision in review: four eyes, a clean screen (or a reason), then publish."""
    practice = await load(session, practice_id)
    editable(practice, node)
    newest = await revision(session, practice_id, practice.revision)
    if newest.state != "in_review":
        raise ConflictError(f"revision {newest.number} is {newest.state}, not in review")
    if same_person(principal, newest.author_token, newest.author_owner):
        raise FourEyesError("a revision is approved by a second person, not by its author")
    attachments = list(
        await session.scalars(select(Attachment).where(Attachment.practice_id == practice_id))
    )
    unreadable = [a.sha256 for a in attachments if a.text is None]
    if unreadable:
        raise ConflictError(
            f"no text could be extracted from attachment(s) {', '.join(unreadable)}: they "
            "cannot be screened, so the practice cannot leave with them; remove them first"
        )
    outcome = await screen.check(
        screen_texts(newest.content, attachments), purpose=f"exchange approval {practice_id}"
    )
    if outcome.match and override_reason is None:
        raise ScreenMatchError(outcome.describe())
    at = now()
    newest.state, newest.approved_at = "published", at
    newest.approver_token, newest.approver_owner = principal.token_id, owner_of(principal)
    newest.override_reason = override_reason if outcome.match else None
    practice.workflow, practice.published_revision, practice.updated_at = (
        "published",
        newest.number,
        at,
    )
    await outbox.add(session, published_event(practice, newest, attachments), node=node)
    # The attachments travel beside the revision, in pieces under NATS's payload limit: every
    # one was screened with the revision's text above (one without readable text stops it).
    for attachment in attachments:
        blob = await session.get(Blob, attachment.sha256)
        assert blob is not None
        await outbox.add_many(session, attachment_chunks(practice, attachment, blob.content, at),
                              node=node)  # fmt: skip
    return practice


def attachment_chunks(
    practice: Practice, attachment: Attachment, content: bytes, at: datetime
) -> list[AttachmentChunkPublished]:
    """The pieces an attachment travels in (256 KiB each)."""
    size = MAX_CHUNK_BYTES
    count = max(1, -(-len(content) // size))
    return [
        AttachmentChunkPublished(
            node=practice.origin, practice=practice.id.hex, sha256=attachment.sha256,
            media_type=attachment.media_type, size=attachment.size, index=index, count=count,
            data=content[index * size:(index + 1) * size], published_at=at,
        )
        for index in range(count)
    ]  # fmt: skip


def published_event(
    practice: Practice, rev: Revision, attachments: list[Attachment]
) -> PracticeRevisionPublished:
    """The shared event of an approved revision: only the practice's own fields."""
    c = rev.content
    assert rev.approved_at is not None
    return PracticeRevisionPublished(
        node=practice.origin, practice=practice.id.hex, revision=rev.number, topic=c["topic"],
        standing=c["standing"], country=c["country"], language=c["language"], tags=c["tags"],
        author_role=c["author_role"], title=c["title"], summary=c["summary"], body=c["body"],
        legal_basis=c.get("legal_basis"), what_worked=c.get("what_worked"),
        what_did_not=c.get("what_did_not"),
        translations=[PracticeTranslationV1(**t) for t in c.get("translations", [])],
        attachments=[
            AttachmentRefV1(sha256=a.sha256, media_type=a.media_type, size=a.size)
            for a in attachments
        ],
        created_at=practice.created_at, published_at=rev.approved_at,
    )  # fmt: skip


async def served(session: AsyncSession, practice: Practice) -> Revision:
    """The revision a reader gets: the newest at the origin, the published one elsewhere."""
    # A replica only ever holds published revisions, so its newest is its published one.
    return await revision(session, practice.id, practice.revision)


def to_read(practice: Practice, rev: Revision) -> PracticeRead:
    """A practice for the API, with the fields of ``rev``."""
    return PracticeRead(
        id=practice.id, origin=practice.origin, owner=practice.owner,
        workflow=practice.workflow, revision=rev.number,
        published_revision=practice.published_revision, created_at=practice.created_at,
        updated_at=practice.updated_at, **rev.content,
    )  # fmt: skip


async def history(session: AsyncSession, practice_id: uuid.UUID) -> list[RevisionRead]:
    """Every revision of a practice, oldest first."""
    await load(session, practice_id)
    revisions = await session.scalars(
        select(Revision).where(Revision.practice_id == practice_id).order_by(Revision.number)
    )
    return [
        RevisionRead(
            number=r.number,
            state=r.state,
            created_at=r.created_at,
            approved_at=r.approved_at,
            overridden=r.override_reason is not None,
            **r.content,
        )
        for r in revisions
    ]
