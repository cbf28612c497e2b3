"""Decisions: how the group closes an agenda item, their follow-up, and the log nodes follow.

Every change to a decision (taken, signed into force, a follow-up done) appends the decision as
it now stands to the decision log; ``delivery`` sends the log to the nodes. A decision is
``pending_signatures`` until m member states signed it with their node keys (``POST
/v1/decisions/{id}/signatures``, checked against the hub's directory; m from the charter in
force), and one that changes the charter also until the charter revision it proposes is adopted
(signed by m members in turn). Then it is ``in_force``, and its log entry carries the signatures,
which every node checks again before it holds the decision as in force.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import get_or_404, where_given
from concordia.core.errors import ConflictError, NotFoundError
from concordia.events import CoalitionDecisionPublished, FollowUp, MemberSignature
from concordia.events.signatures import required
from concordia.hub.charter import service as charters
from concordia.hub.charter.service import check_one, signatures_read
from concordia.hub.models import AgendaItem, Charter, Decision, DecisionFollowUp, DecisionLogEntry
from concordia.hub.schemas import SignaturesRead
from concordia.hub.workspace.members import ForbiddenError
from concordia.hub.workspace.schemas import DecisionCreate, DecisionRead, FollowUpRead
from concordia.identity import Directory, SignedDocument


async def _follow_ups(session: AsyncSession, decision_id: str) -> list[DecisionFollowUp]:
    return list(
        await session.scalars(
            select(DecisionFollowUp)
            .where(DecisionFollowUp.decision_id == decision_id)
            .order_by(DecisionFollowUp.number)
        )
    )


async def _read(session: AsyncSession, d: Decision) -> DecisionRead:
    item = await session.get(AgendaItem, d.item_id)
    assert item is not None
    return DecisionRead(
        id=d.id, item_id=d.item_id, title=item.title, decided=d.decided, rationale=d.rationale,
        period=d.period, concerns=list(d.concerns), due=d.due, status=d.status,
        charter_version=d.charter_version, decided_by=d.decided_by, decided_at=d.decided_at,
        updated_at=d.updated_at,
        signatures=[MemberSignature.model_validate(s) for s in d.signatures or ()],
        follow_ups=[FollowUpRead.model_validate(f, from_attributes=True)
                    for f in await _follow_ups(session, d.id)],
    )  # fmt: skip


async def event_of(session: AsyncSession, d: Decision) -> CoalitionDecisionPublished:
    """``d`` as it stands now, as the log carries it (``seq``/``previous`` set on sending)."""
    read = await _read(session, d)
    return CoalitionDecisionPublished(
        seq=1, previous=0, decision_id=d.id, item_id=d.item_id, title=read.title,
        decided=d.decided, rationale=d.rationale, period=d.period, concerns=tuple(d.concerns),
        due=d.due, status=read.status, charter_version=d.charter_version,
        follow_ups=tuple(FollowUp(action=f.action, actor=f.actor, due=f.due, done_at=f.done_at)
                         for f in read.follow_ups),
        decided_at=d.decided_at, signatures=tuple(read.signatures),
    )  # fmt: skip


async def _log(session: AsyncSession, d: Decision) -> None:
    """Append ``d`` as it stands now to the decision log."""
    event = await event_of(session, d)
    session.add(
        DecisionLogEntry(
            decision_id=d.id, concerns=list(d.concerns),
            payload=event.model_dump(mode="json", exclude={"seq", "previous"}),
            at=datetime.now(UTC),
        )
    )  # fmt: skip
    await session.flush()


async def take(
    session: AsyncSession, item_id: str, decided_by: str, data: DecisionCreate
) -> DecisionRead:
    """Close ``item_id`` with a decision (once), and log it for the nodes."""
    item = await get_or_404(session, AgendaItem, item_id, "agenda item", with_for_update=True)
    if item.status != "open":
        raise ConflictError("the item is decided already")
    charter_version = None
    if data.charter is not None:
        charter_version = data.charter.version
        current = await charters.current(session=session)
        taken = await session.scalar(
            select(Charter.revision).where(Charter.version == charter_version)
        )
        if taken is not None or charter_version == current.version:
            raise ConflictError(f"charter {charter_version!r} exists: propose a new version")
    # Whole seconds: the members sign the time as the hub serves it, on every database.
    now = datetime.now(UTC).replace(microsecond=0)
    d = Decision(
        id=str(uuid.uuid4()), item_id=item.id, decided=data.decided, rationale=data.rationale,
        period=item.period, concerns=data.concerns, due=data.due, status="pending_signatures",
        charter_version=charter_version, signatures=[],
        charter_payload=None if data.charter is None else data.charter.model_dump(mode="json"),
        decided_by=decided_by, decided_at=now, updated_at=now,
    )  # fmt: skip
    session.add(d)
    await session.flush()
    for number, f in enumerate(data.follow_ups, start=1):
        session.add(DecisionFollowUp(
            decision_id=d.id, number=number, action=f.action, actor=f.actor, due=f.due,
            done_at=None, done_by=None,
        ))  # fmt: skip
    item.status, item.updated_at = "decided", now
    await session.flush()
    await _log(session, d)
    return await _read(session, d)


async def get(session: AsyncSession, decision_id: str) -> Decision:
    """The decision, or 404."""
    return await get_or_404(session, Decision, decision_id, "decision")


async def one(session: AsyncSession, decision_id: str) -> DecisionRead:
    """One decision with its follow-ups."""
    return await _read(session, await get(session, decision_id))


async def of_item(session: AsyncSession, item_id: str) -> DecisionRead | None:
    """The decision that closed ``item_id``, if any."""
    d = await session.scalar(select(Decision).where(Decision.item_id == item_id))
    return None if d is None else await _read(session, d)


async def listed(
    session: AsyncSession, *, status: str | None, node: str | None, limit: int
) -> list[DecisionRead]:
    """Decisions, newest first; ``node``: only those concerning it."""
    query = select(Decision).order_by(Decision.decided_at.desc(), Decision.id)
    rows = [d for d in await session.scalars(where_given(query, (Decision.status, status)))
            if node is None or not d.concerns or node in d.concerns]  # fmt: skip
    return [await _read(session, d) for d in rows[:limit]]


def _all_done(follow_ups: list[DecisionFollowUp]) -> bool:
    return bool(follow_ups) and all(f.done_at is not None for f in follow_ups)


async def done(
    session: AsyncSession, decision_id: str, number: int, actor: str, *, admin: bool
) -> DecisionRead:
    """Mark a follow-up done (its actor, or the operator); the decision is done with the last."""
    d = await get(session, decision_id)
    follow_up = await session.get(DecisionFollowUp, (decision_id, number))
    if follow_up is None:
        raise NotFoundError(f"decision {decision_id} has no follow-up {number}")
    if not admin and follow_up.actor != actor:
        raise ForbiddenError(f"follow-up {number} is for {follow_up.actor} to report")
    if follow_up.done_at is not None:
        raise ConflictError(f"follow-up {number} is done already")
    now = datetime.now(UTC)
    follow_up.done_at, follow_up.done_by = now, actor
    d.updated_at = now
    await session.flush()
    if d.status in ("taken", "in_force") and _all_done(await _follow_ups(session, d.id)):
        d.status = "done"
    await _log(session, d)
    return await _read(session, d)


async def signature_status(
    session: AsyncSession, d: Decision, directory: Directory | None
) -> SignaturesRead:
    """Where the member states' signatures of ``d`` stand (m from the charter in force)."""
    event = await event_of(session, d)
    kind, body = event.document()
    m = (await charters.current(session=session)).signatures_required
    need = None if directory is None else required(directory, m)
    return signatures_read(kind, body, event.signatures, directory, need)


async def document(session: AsyncSession, decision_id: str) -> SignedDocument:
    """What a member signs of the decision (kind ``decision``), with the signatures so far."""
    event = await event_of(session, await get(session, decision_id))
    kind, body = event.document()
    return SignedDocument(
        kind=kind, body=body, signatures=tuple(s.signature() for s in event.signatures)
    )


async def sign(
    session: AsyncSession, decision_id: str, signature: MemberSignature,
    directory: Directory | None,
) -> SignaturesRead:  # fmt: skip
    """Relay a member state's signature of the decision (422 unless it verifies)."""
    d = await session.get(Decision, decision_id, with_for_update=True)
    if d is None:
        raise NotFoundError(f"no decision {decision_id}")
    kind, body = (await event_of(session, d)).document()
    check_one(kind, body, signature, directory)
    kept = [s for s in d.signatures or () if s.get("signer") != signature.signer]
    d.signatures = [*kept, signature.model_dump(mode="json")]
    await session.flush()
    return await signature_status(session, d, directory)


async def refresh(session: AsyncSession, directory: Directory | None) -> list[str]:
    """Decisions signed by m members (and whose charter revision is adopted) come into force;
    the ids moved."""
    pending = list(
        await session.scalars(select(Decision).where(Decision.status == "pending_signatures"))
    )
    if not pending:
        return []
    adopted = set(
        await session.scalars(select(Charter.version).where(Charter.signed_at.is_not(None)))
    )
    moved = []
    for d in pending:
        if d.charter_version is not None and d.charter_version not in adopted:
            continue
        if (await signature_status(session, d, directory)).signed:
            follow_ups = await _follow_ups(session, d.id)
            d.status = "done" if _all_done(follow_ups) else "in_force"
            d.updated_at = datetime.now(UTC)
            await _log(session, d)
            moved.append(d.id)
    return moved
