"""Indicators, targets and agreement of one period, read from this service's own tables."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.evaluation import agreement, health
from concordia.evaluation.consumers import GRANTED
from concordia.evaluation.models import (
    Assessment,
    KnownActivity,
    KnownGrant,
    KnownOrganisation,
    KnownPermit,
    KnownTransaction,
)
from concordia.evaluation.participation import ActivityCounts, target_status
from concordia.evaluation.schemas import CRITERIA, Indicator
from concordia.evaluation.service._common import Rules
from concordia.evaluation.targets import charter_bounds
from concordia.events.runtime.snapshots import quarter_bounds

COMMITMENT = 2


async def _assessed(
    session: AsyncSession, period: str
) -> dict[tuple[str, uuid.UUID], list[Assessment]]:
    rows = (await session.scalars(select(Assessment).where(Assessment.period == period))).all()
    items: dict[tuple[str, uuid.UUID], list[Assessment]] = defaultdict(list)
    for row in rows:
        items[(row.item_type, row.item_id)].append(row)
    return items


async def inputs(session: AsyncSession, period: str, rules: Rules) -> health.Inputs:
    """Every row the period's indicators read."""
    start, end = quarter_bounds(period)
    grants = {
        g.id: health.GrantFacts(g.id, g.organisation_id, g.purpose, g.horizon, tuple(g.goals))
        for g in (await session.scalars(select(KnownGrant).where(~KnownGrant.withdrawn))).all()
    }
    orgs = {
        o.id: health.OrgFacts(tuple(o.represents), tuple(o.regions_of_focus))
        for o in (await session.scalars(select(KnownOrganisation))).all()
    }
    query = select(KnownTransaction.grant_id, KnownTransaction.amount_eur,
                   KnownTransaction.value_date).where(
        KnownTransaction.type == COMMITMENT, KnownTransaction.amount_eur.is_not(None),
        KnownTransaction.value_date <= end,
    )  # fmt: skip
    commitments = [(g, a, d) for g, a, d in (await session.execute(query)).all() if a is not None]
    counted = {k: v for k, v in (await _assessed(session, period)).items() if len(v) >= 2}
    permits = await session.execute(
        select(KnownPermit.holder_vulnerable, KnownPermit.family_members_covered).where(
            KnownPermit.status.in_(GRANTED), KnownPermit.granted_on >= start,
            KnownPermit.granted_on <= end,
        )
    )  # fmt: skip
    return health.Inputs(
        start=start, end=end, grants=grants, orgs=orgs, commitments=commitments,
        fragmentation_threshold=rules.fragmentation_threshold_eur,
        assessed_grants={i for t, i in counted if t == "grant"},
        assessed_orgs={i for t, i in counted if t == "organisation"},
        permits=[(bool(v), int(f)) for v, f in permits.all()],
    )  # fmt: skip


async def indicators(session: AsyncSession, period: str, rules: Rules) -> list[Indicator]:
    """Every indicator of the period with its definition and level."""
    values = health.compute(await inputs(session, period, rules))
    return [
        Indicator(code=code, value=values[code], level=level, definition=text)
        for code, (level, text) in health.DEFINITIONS.items()
    ]


async def activities(session: AsyncSession, period: str) -> list[ActivityCounts]:
    """The period's activities (by start date) with their counts."""
    start, end = quarter_bounds(period)
    query = select(KnownActivity).where(
        KnownActivity.start_date >= start, KnownActivity.start_date <= end
    ).order_by(KnownActivity.id)  # fmt: skip
    return [
        ActivityCounts(a.id, a.kind, a.women, a.men, a.gender_other, a.russian, a.non_russian)
        for a in (await session.scalars(query)).all()
    ]


async def targets(session: AsyncSession, period: str, charter: Any) -> list[dict[str, Any]]:
    """The status of every participation target of the charter in the period."""
    found = await activities(session, period)
    return [target_status(b, found) for b in charter_bounds(charter).values()]


async def agreement_of(session: AsyncSession, period: str, rules: Rules) -> list[dict[str, Any]]:
    """Alpha (ordinal) per criterion over items with two or more assessments, and kappa
    (quadratic) per pair of assessors who scored the same items; each only over enough items."""
    items = [v for v in (await _assessed(session, period)).values() if len(v) >= 2]
    out = []
    for criterion in CRITERIA:
        units = [[getattr(a, criterion) for a in rows] for rows in items]
        alpha = agreement.alpha_ordinal(units) if len(units) >= rules.agreement_min_items else None
        by_item = {i: {a.evaluator_id: getattr(a, criterion) for a in rows}
                   for i, rows in enumerate(items)}  # fmt: skip
        kappas = []
        for (a, b), pairs in agreement.same_pair_items(by_item).items():
            if len(pairs) >= rules.agreement_min_items:
                value = agreement.kappa_quadratic(pairs, levels=range(5))
                kappas.append({"assessors": [str(a), str(b)], "items": len(pairs),
                               "kappa": None if value is None else round(value, 4)})  # fmt: skip
        out.append({
            "criterion": criterion, "items": len(units),
            "alpha": None if alpha is None else round(alpha, 4),
            "reported": len(units) >= rules.agreement_min_items, "kappa": kappas,
        })  # fmt: skip
    return out
