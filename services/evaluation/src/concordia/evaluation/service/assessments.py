"""Random draws of assessors, double blind assessment and the third assessor.

A draw lists every eligible evaluator (active, with the expertise and language, no declared
conflict, not already on the item, within rotation) sorted by id, then samples with a fresh
seed it records: ``random.Random(seed).sample(eligible, n)`` re-runs it anywhere. Nobody names
an assessor. An item counts once two assessments are in (three when two differ by more than
the allowed gap on any criterion); until then an assessor sees only their own.
"""

from __future__ import annotations

import random
import secrets
import uuid
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.auth import Principal
from concordia.core.db import get_or_404
from concordia.core.errors import ConflictError, NotFoundError
from concordia.core.pagination import keyset
from concordia.evaluation.models import Assessment, Assignment, Conflict, Draw, Evaluator
from concordia.evaluation.schemas import (
    CRITERIA,
    AssessmentCreate,
    AssessmentRead,
    AssignmentRequest,
)
from concordia.evaluation.service._common import (
    Forbidden,
    Item,
    NodeContext,
    ensure_no_conflict,
    item_of,
    new_id,
    now,
    rotation_breach,
)


def draw(eligible: list[str], seed: str, n: int) -> list[str]:
    """The draw's rule, for anyone to re-run: ``n`` of the sorted ``eligible`` ids."""
    return random.Random(seed).sample(sorted(eligible), n)


@dataclass(frozen=True)
class Exclusions:
    """Why evaluators were not eligible, counted (the 409's reason when too few remain)."""

    counts: Counter[str]

    def reason(self, needed: int, found: int) -> str:
        """A readable reason."""
        why = ", ".join(f"{k}: {v}" for k, v in sorted(self.counts.items())) or "none"
        return f"{found} eligible assessor(s), {needed} needed; excluded by {why}"


def scores_of(row: Assessment) -> dict[str, int]:
    """An assessment's five scores by criterion."""
    return {name: getattr(row, name) for name in CRITERIA}


async def _item_assessments(session: AsyncSession, item: Item, period: str) -> list[Assessment]:
    query = select(Assessment).where(
        Assessment.item_type == item.type, Assessment.item_id == item.id,
        Assessment.period == period,
    ).order_by(Assessment.created_at, Assessment.id)  # fmt: skip
    return list((await session.scalars(query)).all())


def needs_third(rows: list[Assessment], gap: int) -> bool:
    """Two assessments that differ by more than ``gap`` on any criterion."""
    if len(rows) != 2:
        return False
    a, b = scores_of(rows[0]), scores_of(rows[1])
    return any(abs(a[c] - b[c]) > gap for c in CRITERIA)


async def _eligible(
    session: AsyncSession, ctx: NodeContext, item: Item, period: str, language: str | None,
    taken: set[uuid.UUID],
) -> tuple[list[str], Exclusions]:  # fmt: skip
    excluded: Counter[str] = Counter()
    conflicted = set(
        (
            await session.scalars(
                select(Conflict.evaluator_id).where(
                    (Conflict.organisation_id == item.organisation_id)
                    | (Conflict.donor_id == item.donor_id)
                )
            )
        ).all()
    ) if (item.organisation_id or item.donor_id) else set()  # fmt: skip
    eligible = []
    for evaluator in (await session.scalars(select(Evaluator).where(Evaluator.active))).all():
        if evaluator.id in taken:
            excluded["already_on_item"] += 1
        elif item.purpose is not None and item.purpose not in evaluator.expertise:
            excluded["expertise"] += 1
        elif language is not None and language not in evaluator.languages:
            excluded["language"] += 1
        elif evaluator.id in conflicted:
            excluded["conflict_of_interest"] += 1
        elif await rotation_breach(session, evaluator.id, item.organisation_id, period, ctx.rules):
            excluded["rotation"] += 1
        else:
            eligible.append(str(evaluator.id))
    return sorted(eligible), Exclusions(excluded)


async def assign(
    *, session: AsyncSession, ctx: NodeContext, data: AssignmentRequest, owner: str
) -> tuple[Draw, list[Assignment]]:
    """Draw two assessors for an item and period, or a third when the first two diverge."""
    item = await item_of(session, data.item_type, data.item_id)
    query = select(Assignment).where(
        Assignment.item_type == item.type, Assignment.item_id == item.id,
        Assignment.period == data.period,
    )  # fmt: skip
    existing = list((await session.scalars(query)).all())
    done = await _item_assessments(session, item, data.period)
    if not existing:
        needed = 2
    elif len(existing) == 2 and needs_third(done, ctx.rules.third_assessor_gap):
        needed = 1
    else:
        raise ConflictError(
            f"{item.type} {item.id} already has its assessors for {data.period} "
            f"({len(existing)} drawn, {len(done)} assessed)"
        )
    eligible, exclusions = await _eligible(
        session, ctx, item, data.period, data.language, {a.evaluator_id for a in existing}
    )
    if len(eligible) < needed:
        raise ConflictError(exclusions.reason(needed, len(eligible)))
    seed = secrets.token_hex(16)
    drawn = draw(eligible, seed, needed)
    at = now()
    row = Draw(
        id=new_id(), item_type=item.type, item_id=item.id, period=data.period, seed=seed,
        eligible=eligible, drawn=drawn, owner=owner, created_at=at,
    )  # fmt: skip
    session.add(row)
    await session.flush()
    assignments = [
        Assignment(
            id=new_id(),
            draw_id=row.id,
            item_type=item.type,
            item_id=item.id,
            organisation_id=item.organisation_id,
            period=data.period,
            evaluator_id=uuid.UUID(evaluator),
            owner=owner,
            created_at=at,
        )
        for evaluator in drawn
    ]
    session.add_all(assignments)
    await session.flush()
    return row, assignments


async def get_draw(
    *, session: AsyncSession, draw_id: uuid.UUID, scope: str | None
) -> tuple[Draw, list[uuid.UUID]]:
    """A draw and the ids of its assignments; 404 also when it is another owner's than
    ``scope``."""
    row = await get_or_404(
        session, Draw, draw_id, "draw", visible=lambda d: scope is None or d.owner == scope
    )
    ids = (await session.scalars(select(Assignment.id).where(Assignment.draw_id == draw_id))).all()
    return row, list(ids)


async def record(
    *, session: AsyncSession, ctx: NodeContext, data: AssessmentCreate, principal: Principal
) -> Assessment:
    """Record the assigned evaluator's assessment; 409 on a conflict, a rotation breach, or a
    second assessment of the same item by the same evaluator."""
    assignment = await session.get(Assignment, data.assignment_id)
    evaluator = (
        None if assignment is None else await session.get(Evaluator, assignment.evaluator_id)
    )
    # Another owner's assignment is a 404 like a missing one; a colleague's is a 403.
    if assignment is None or evaluator is None or evaluator.owner != principal.owner:
        raise NotFoundError(f"no assignment {data.assignment_id}")
    if evaluator.account != principal.name:
        raise Forbidden(f"assignment {assignment.id} is another evaluator's")
    item = await item_of(session, assignment.item_type, assignment.item_id)
    await ensure_no_conflict(session, evaluator.id, item)  # declared after the draw
    scored = await session.scalar(
        select(Assessment.id).where(
            Assessment.item_type == item.type, Assessment.item_id == item.id,
            Assessment.period == assignment.period, Assessment.evaluator_id == evaluator.id,
        )
    )  # fmt: skip
    if scored is not None:
        raise ConflictError(
            f"evaluator {evaluator.id} already scored this item: assessment {scored}"
        )
    if await rotation_breach(session, evaluator.id, item.organisation_id, assignment.period,
                             ctx.rules):  # fmt: skip
        raise ConflictError(
            f"rotation: evaluator {evaluator.id} assessed organisation {item.organisation_id} "
            f"in the {ctx.rules.rotation_max_consecutive} periods before {assignment.period}"
        )
    body = data.model_dump()
    row = Assessment(
        id=new_id(), assignment_id=assignment.id, evaluator_id=evaluator.id, item_type=item.type,
        item_id=item.id, organisation_id=item.organisation_id, period=assignment.period,
        evidence={c: body[c]["evidence"] for c in CRITERIA}, owner=evaluator.owner,
        created_at=now(),
        **{c: body[c]["score"] for c in CRITERIA},
    )  # fmt: skip
    session.add(row)
    await session.flush()
    return row


def read(row: Assessment) -> AssessmentRead:
    """The API view of an assessment."""
    meta = ("id", "assignment_id", "evaluator_id", "item_type", "item_id", "period", "evidence",
            "owner", "created_at")  # fmt: skip
    return AssessmentRead.model_validate(
        {**{k: getattr(row, k) for k in meta}, "scores": scores_of(row)}
    )


async def visible(
    *, session: AsyncSession, period: str | None, item_id: uuid.UUID | None, scope: str | None,
    evaluator_id: uuid.UUID | None, after: uuid.UUID | None, limit: int,
) -> list[Assessment]:  # fmt: skip
    """A page of assessments (of the ``scope`` owner unless None); with ``evaluator_id`` (an
    evaluator reading), blind: their own, and others' only on items that have two or more."""
    query = select(Assessment)
    if scope is not None:
        query = query.where(Assessment.owner == scope)
    if period is not None:
        query = query.where(Assessment.period == period)
    if item_id is not None:
        query = query.where(Assessment.item_id == item_id)
    if evaluator_id is not None:
        mine = select(Assessment.item_id, Assessment.period).where(
            Assessment.evaluator_id == evaluator_id
        )
        pairs = {(i, p) for i, p in (await session.execute(mine)).all()}
        rows = list(await session.scalars(keyset(query, Assessment.id, after=after, limit=10_000)))
        counts = Counter((r.item_id, r.period) for r in rows)
        allowed = [
            r for r in rows
            if r.evaluator_id == evaluator_id
            or ((r.item_id, r.period) in pairs and counts[(r.item_id, r.period)] >= 2)
        ]  # fmt: skip
        return allowed[:limit]
    return list(await session.scalars(keyset(query, Assessment.id, after=after, limit=limit)))
