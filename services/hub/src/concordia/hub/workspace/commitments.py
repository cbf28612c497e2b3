"""Commitments of members per period, each tracked against what the aggregates show.

A state's commitment is tracked on its own node's aggregates; a donor's on the node it names,
or on the coalition's totals. Permits count the persons whose permit is granted (the registry's
``persons_by_permit_status``); funding reads the ledger's ``<committed|disbursed>_eur_by_<dim>``.
The status compares the figure with the target: ``met``; ``on_track`` when at least the share
of the period gone by is reached; ``behind``; ``unknown`` when a cell it needs is suppressed or
not published (never guessed).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import get_or_404, where_given
from concordia.core.errors import NotFoundError, PreconditionFailedError
from concordia.events.aggregates import ALL
from concordia.events.runtime.snapshots import quarter_bounds
from concordia.hub import service
from concordia.hub.models import Commitment, CommitmentRevision, Node
from concordia.hub.schemas import SnapshotRead
from concordia.hub.workspace.members import ForbiddenError
from concordia.hub.workspace.schemas import (
    CommitmentCreate,
    CommitmentRead,
    CommitmentRevisionRead,
    CommitmentUpdate,
    Progress,
)

_CENT = Decimal("0.01")


def source(c: Commitment) -> tuple[str, str, str]:
    """The (service, aggregate, level) a commitment is tracked on; level ``_all``: the total."""
    if c.measure == "permits_granted":
        return "registry", "persons_by_permit_status", "granted"
    prefix = "committed" if c.measure == "eur_committed" else "disbursed"
    if c.dimension is None or c.level is None:
        return "ledger", f"{prefix}_eur_by_purpose", ALL
    return "ledger", f"{prefix}_eur_by_{c.dimension}", c.level


def elapsed(period: str, today: date) -> Decimal:
    """The share of ``period`` gone by on ``today`` (0 before it, 1 after it)."""
    first, last = quarter_bounds(period)
    if today < first:
        return Decimal(0)
    if today >= last:
        return Decimal(1)
    return Decimal((today - first).days + 1) / Decimal((last - first).days + 1)


def progress(c: Commitment, snapshots: list[SnapshotRead], today: date) -> Progress:
    """The figure the aggregates show for ``c``, and its status (pure)."""
    service_, aggregate, level = source(c)
    expected = (c.target * elapsed(c.period, today)).quantize(_CENT)
    mine = [
        s for s in snapshots
        if s.service == service_ and s.aggregate == aggregate and s.period == c.period
        and (c.node is None or s.node == c.node)
    ]  # fmt: skip
    evidence: dict[str, Any] = {
        "service": service_, "aggregate": aggregate, "period": c.period, "level": level,
        "versions": {s.node: s.version for s in mine},
    }  # fmt: skip

    def unknown(reason: str) -> Progress:
        return Progress(
            actual=None, expected=expected, status="unknown", reason=reason, evidence=evidence
        )

    if not mine:
        return unknown("no aggregate published for it yet")
    actual, hidden = Decimal(0), []
    for snap in mine:
        cells = snap.cells if level != ALL else (*snap.cells, *snap.margins)
        cell = next((x for x in cells if x.key == (level,)), None)
        if cell is None or cell.suppressed:
            hidden.append(snap.node)
            continue
        actual += cell.amount if cell.amount is not None else Decimal(cell.value or 0)
    if hidden:
        return unknown("suppressed or not published at " + ", ".join(sorted(hidden)))
    evidence["actual"] = str(actual)
    if actual >= c.target:
        status = "met"
    elif actual >= expected:
        status = "on_track"
    else:
        status = "behind"
    return Progress(actual=actual, expected=expected, status=status, evidence=evidence)


def _read(c: Commitment, p: Progress | None = None) -> CommitmentRead:
    return CommitmentRead.model_validate(
        {k: getattr(c, k) for k in CommitmentRead.model_fields if k != "progress"} | {"progress": p}
    )


def _snapshot_of(c: Commitment) -> dict[str, Any]:
    return _read(c).model_dump(mode="json", exclude={"progress"})


async def _tracked(session: AsyncSession, rows: list[Commitment]) -> list[CommitmentRead]:
    today = datetime.now(UTC).date()
    out, cache = [], {}
    for c in rows:
        if c.period not in cache:
            cache[c.period] = await service.aggregates(
                session=session, filters={"period": c.period}, history=False, limit=100_000
            )
        out.append(_read(c, progress(c, cache[c.period], today)))
    return out


async def create(session: AsyncSession, member: str, data: CommitmentCreate) -> CommitmentRead:
    """Record ``member``'s commitment (a state's is tracked on its own node by default)."""
    kind, _, name = member.partition(":")
    node = data.node
    if kind == "state":
        if node not in (None, name):
            raise ForbiddenError(f"a state commits for its own node ({name!r}) only")
        node = name
    if node is not None and await session.get(Node, node) is None:
        raise NotFoundError(f"no node {node!r} is known to the hub")
    measure, dimension, level = data.tracked()
    now = datetime.now(UTC)
    row = Commitment(
        id=str(uuid.uuid4()), member=member, kind=data.kind, period=data.period, node=node,
        measure=measure, dimension=dimension, level=level, target=data.target,
        note=data.note, withdrawn=False, revision=1, created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(row)
    await session.flush()
    session.add(
        CommitmentRevision(
            commitment_id=row.id, revision=1, payload=_snapshot_of(row), changed_by=member, at=now
        )
    )
    return (await _tracked(session, [row]))[0]


async def get(session: AsyncSession, commitment_id: str) -> Commitment:
    """The commitment, or 404."""
    return await get_or_404(session, Commitment, commitment_id, "commitment")


async def update(
    session: AsyncSession, commitment_id: str, actor: str, data: CommitmentUpdate,
    if_match: int | None, *, admin: bool,
) -> CommitmentRead:  # fmt: skip
    """Change a commitment (its member only, or the operator); a new revision, kept."""
    row = await get(session, commitment_id)
    if not admin and row.member != actor:
        raise ForbiddenError("a member changes its own commitments only")
    if if_match is not None and if_match != row.revision:
        named = "names no revision" if if_match < 0 else f"names revision {if_match}"
        raise PreconditionFailedError(
            f"the commitment is at revision {row.revision}, If-Match {named}: read it again"
        )
    changes = data.model_dump(exclude_unset=True)
    if not changes or all(getattr(row, k) == v for k, v in changes.items()):
        return (await _tracked(session, [row]))[0]  # nothing changes: no new revision
    for key, value in changes.items():
        setattr(row, key, value)
    row.revision += 1
    row.updated_at = datetime.now(UTC)
    session.add(
        CommitmentRevision(
            commitment_id=row.id, revision=row.revision, payload=_snapshot_of(row),
            changed_by=actor, at=row.updated_at,
        )
    )  # fmt: skip
    return (await _tracked(session, [row]))[0]


async def listed(
    session: AsyncSession, *, period: str | None, member: str | None, limit: int
) -> list[CommitmentRead]:
    """Commitments with their progress, newest period first."""
    query = where_given(
        select(Commitment).order_by(Commitment.period.desc(), Commitment.created_at),
        (Commitment.period, period), (Commitment.member, member),
    )  # fmt: skip
    return await _tracked(session, list(await session.scalars(query.limit(limit))))


async def one(session: AsyncSession, commitment_id: str) -> CommitmentRead:
    """One commitment with its progress."""
    return (await _tracked(session, [await get(session, commitment_id)]))[0]


async def history(session: AsyncSession, commitment_id: str) -> list[CommitmentRevisionRead]:
    """Every revision of a commitment, oldest first."""
    await get(session, commitment_id)
    rows = await session.scalars(
        select(CommitmentRevision)
        .where(CommitmentRevision.commitment_id == commitment_id)
        .order_by(CommitmentRevision.revision)
    )
    return [
        CommitmentRevisionRead(
            revision=r.revision, changed_by=r.changed_by, at=r.at, commitment=r.payload
        )
        for r in rows
    ]


async def tracked_all(session: AsyncSession, periods: list[str]) -> list[CommitmentRead]:
    """Every commitment in force (not withdrawn) of ``periods``, tracked."""
    rows = await session.scalars(
        select(Commitment).where(Commitment.period.in_(periods), ~Commitment.withdrawn)
    )
    return await _tracked(session, list(rows))
