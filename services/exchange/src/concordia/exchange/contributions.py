"""Endorsements and comments: written at any node that holds the practice, by a role and a
country; each leaves the node only after a second person approves it and the screen is clean."""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.auth import Principal
from concordia.core.changes import new_id, now
from concordia.core.errors import ConflictError, NotFoundError
from concordia.events import ContributionPublished
from concordia.exchange.models import Contribution
from concordia.exchange.schemas import CommentCreate, ContributionRead, EndorsementCreate
from concordia.exchange.screening import RegistryScreen, ScreenMatchError
from concordia.exchange.service import FourEyesError, load, owner_of, same_person
from concordia.kit.tables import outbox


async def create(
    *,
    session: AsyncSession,
    node: str,
    principal: Principal,
    practice_id: uuid.UUID,
    data: EndorsementCreate | CommentCreate,
) -> Contribution:
    """A pending endorsement or comment on a practice this node holds."""
    practice = await load(session, practice_id)
    if practice.published_revision is None:
        raise ConflictError(f"practice {practice_id} is not published yet")
    endorsement = isinstance(data, EndorsementCreate)
    contribution = Contribution(
        id=new_id(), practice_id=practice_id, kind="endorsement" if endorsement else "comment",
        endorsement=data.kind if isinstance(data, EndorsementCreate) else None,
        role=data.role, country=data.country, origin=node, language=data.language,
        text=data.note if isinstance(data, EndorsementCreate) else data.text, state="pending",
        owner=owner_of(principal), author_token=principal.token_id, created_at=now(),
    )  # fmt: skip
    session.add(contribution)
    return contribution


async def approve(
    *,
    session: AsyncSession,
    node: str,
    principal: Principal,
    contribution_id: uuid.UUID,
    override_reason: str | None,
    screen: RegistryScreen,
    practice_id: uuid.UUID,
    kind: str,
) -> Contribution:
    """Four eyes and the screen, then the contribution leaves for every node."""
    c = await session.get(Contribution, contribution_id)
    if c is None or c.practice_id != practice_id or c.kind != kind:
        raise NotFoundError(f"practice {practice_id} has no {kind} {contribution_id}")
    if c.origin != node:
        raise ConflictError(f"{contribution_id} was written at node {c.origin!r}")
    if c.state != "pending":
        raise ConflictError(f"{contribution_id} is {c.state}, not pending")
    if same_person(principal, c.author_token, c.owner):
        raise FourEyesError("it is approved by a second person, not by its author")
    if c.text:
        outcome = await screen.check([("text", c.text)], purpose=f"exchange approval {c.id}")
        if outcome.match and override_reason is None:
            raise ScreenMatchError(outcome.describe())
        c.override_reason = override_reason if outcome.match else None
    c.state, c.published_at, c.approver_token = "published", now(), principal.token_id
    await outbox.add(session, published_event(c), node=node)
    return c


def published_event(c: Contribution) -> ContributionPublished:
    """The shared event of an approved contribution."""
    assert c.published_at is not None
    return ContributionPublished(
        node=c.origin, contribution=c.id.hex, practice=c.practice_id.hex, kind=c.kind,
        endorsement=c.endorsement, role=c.role, country=c.country, language=c.language,
        text=c.text, created_at=c.created_at, published_at=c.published_at,
    )  # fmt: skip


async def listing(
    session: AsyncSession, practice_id: uuid.UUID, kind: str, node: str
) -> list[ContributionRead]:
    """Published contributions of a kind, and this node's own pending ones."""
    await load(session, practice_id)
    rows = await session.scalars(
        select(Contribution)
        .where(Contribution.practice_id == practice_id, Contribution.kind == kind)
        .where(or_(Contribution.state == "published", Contribution.origin == node))
        .order_by(Contribution.id)
    )
    return [to_read(c) for c in rows]


def to_read(c: Contribution) -> ContributionRead:
    """A contribution for the API."""
    return ContributionRead(
        id=c.id, practice_id=c.practice_id, kind=c.kind, endorsement=c.endorsement,
        role=c.role, country=c.country, origin=c.origin, language=c.language, text=c.text,
        state=c.state, created_at=c.created_at, published_at=c.published_at,
    )  # fmt: skip
