"""What the node shares of its evaluation: score distributions and combinable indicators.

Per criterion and period, how many assessed items scored 0..4 (an item's score is the median of
its assessments, rounded down), each organisation a contributor: threshold suppression keeps a
cell from standing for fewer than k organisations, and a period with fewer than k assessed
organisations shares nothing, so no identifiable organisation's score leaves the node. Funding
to organisations representing each group, per long-term strategic goal and per horizon are
money tables under the dominance and p % rules, each recipient one contributor (so a cell
funded through fewer than k recipients is hidden, however many grants). Permits granted per
quarter, by whether the holder is in a vulnerable group, are a count table (k permits per
cell), and the family members they cover a table of sums with each permit a contributor (k
permits per cell, and no permit dominating).
All go through ``concordia.disclosure`` and the release rule. Concentration and fragmentation
shares (``funding_health``) leave only for a period with at least k funded organisations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median_low
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database
from concordia.disclosure import (
    CountTable,
    DisclosurePolicy,
    ProtectedCell,
    SumTable,
    protect_counts,
    protect_sums,
)
from concordia.evaluation import health
from concordia.evaluation.consumers import GRANTED
from concordia.evaluation.models import (
    Assessment,
    KnownGrant,
    KnownOrganisation,
    KnownPermit,
    KnownTransaction,
)
from concordia.evaluation.schemas import CRITERIA
from concordia.evaluation.service._common import NodeContext, now
from concordia.events import Draft, published_cells, quarter_of
from concordia.events.aggregates import AggregateSnapshotPublished, Cell
from concordia.events.codes import GOALS, HORIZONS, REPRESENTED_GROUPS
from concordia.kit.tables import publish_aggregates, snapshots

SCORES = ("0", "1", "2", "3", "4")
SCORE_TABLES = tuple(f"scores_by_{c}" for c in CRITERIA)
GROUP_TABLE = "committed_eur_by_represented_group"
GOAL_TABLE = "committed_eur_by_strategic_goal"
HORIZON_TABLE = "committed_eur_by_horizon"
PERMIT_TABLE = "permits_granted_by_holder"
FAMILY_TABLE = "family_members_covered_by_holder"
#: Whether a permit's holder is in a vulnerable group (the one bit the registry's event says).
HOLDERS = ("vulnerable_group", "other")
#: Concentration and fragmentation of the period's commitments, in basis points (0..10000).
HEALTH_TABLE = "funding_health"
HEALTH_LEVELS = ("hhi", "top10_share", "small_commitments_share")


@dataclass
class Rows:
    """Assessments, group funding, granted permits and the periods released before."""

    assessments: list[tuple[Any, ...]]
    funding: list[tuple[Any, ...]]
    released: set[str]
    #: (permit id, holder vulnerable, family members covered, day granted)
    permits: list[tuple[Any, ...]] = field(default_factory=list)
    #: (grant id, organisation id or None, horizon, goals, EUR, value date) of every commitment
    programme: list[tuple[Any, ...]] = field(default_factory=list)


async def gather(session: AsyncSession) -> Rows:
    """Every assessment and every commitment to a known organisation."""
    assessed = await session.execute(select(
        Assessment.item_type, Assessment.item_id, Assessment.organisation_id, Assessment.period,
        *(getattr(Assessment, c) for c in CRITERIA),
    ))  # fmt: skip
    funding = await session.execute(
        select(KnownGrant.organisation_id, KnownOrganisation.represents,
               KnownTransaction.amount_eur, KnownTransaction.value_date)
        .join(KnownTransaction, KnownTransaction.grant_id == KnownGrant.id)
        .join(KnownOrganisation, KnownOrganisation.id == KnownGrant.organisation_id)
        .where(~KnownGrant.withdrawn, KnownTransaction.type == 2,
               KnownTransaction.amount_eur.is_not(None))
    )  # fmt: skip
    permits = await session.execute(
        select(KnownPermit.id, KnownPermit.holder_vulnerable, KnownPermit.family_members_covered,
               KnownPermit.granted_on)
        .where(KnownPermit.status.in_(GRANTED), KnownPermit.granted_on.is_not(None))
    )  # fmt: skip
    programme = await session.execute(
        select(KnownGrant.id, KnownGrant.organisation_id, KnownGrant.horizon, KnownGrant.goals,
               KnownTransaction.amount_eur, KnownTransaction.value_date)
        .join(KnownTransaction, KnownTransaction.grant_id == KnownGrant.id)
        .where(~KnownGrant.withdrawn, KnownTransaction.type == 2,
               KnownTransaction.amount_eur.is_not(None))
    )  # fmt: skip
    tables = [*SCORE_TABLES, GROUP_TABLE, GOAL_TABLE, HORIZON_TABLE, PERMIT_TABLE, FAMILY_TABLE,
              HEALTH_TABLE]  # fmt: skip
    released = set(await snapshots.last_release_times(session, tables))
    return Rows(
        [tuple(r) for r in assessed], [tuple(r) for r in funding], released,
        [tuple(r) for r in permits], [tuple(r) for r in programme],
    )  # fmt: skip


def _score_drafts(rows: Rows, k: int, rounding_base: int | None) -> list[Draft]:
    items: dict[tuple[str, Any, str], list[tuple[Any, ...]]] = defaultdict(list)
    for item_type, item_id, org_id, period, *scores in rows.assessments:
        items[(period, org_id or item_id, item_type + str(item_id))].append(tuple(scores))
    # period -> criterion -> contributor (organisation) -> score level -> count
    counts: dict[str, dict[str, dict[str, dict[tuple[str, ...], int]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    )
    for (period, who, _), scored in items.items():
        if len(scored) < 2:
            continue  # an item counts once two assessments are in
        for index, criterion in enumerate(CRITERIA):
            level = str(median_low(s[index] for s in scored))
            counts[period][criterion][str(who)][(level,)] += 1
    policy = DisclosurePolicy(k=k, rounding_base=rounding_base)
    drafts = []
    for period in sorted(set(counts) | rows.released):
        for criterion in CRITERIA:
            by_who = counts[period][criterion]
            if len(by_who) < k:
                # Fewer organisations than k: even the zero cells would say where they scored.
                continue
            totals = {s: sum(c.get((s,), 0) for c in by_who.values()) for s in SCORES}
            table = protect_counts(CountTable.one_way("score", totals, SCORES), policy)
            drafts.append(Draft(
                name=f"scores_by_{criterion}", period=period, measure="items",
                dimensions=table.dimensions, cells=published_cells(table.cells),
                margins=published_cells(table.margins),
                contributions={w: dict(c) for w, c in by_who.items()},
            ))  # fmt: skip
    return drafts


def _money_drafts(
    name: str, dimension: str, levels: tuple[str, ...],
    entries: Iterable[tuple[str, str, str, Decimal]], k: int,
) -> list[Draft]:  # fmt: skip
    """A money table per period from (period, level, contributor, EUR): each contributor (a
    recipient) counts once per cell, so a cell funded through fewer than k is hidden."""
    sums: dict[str, dict[str, dict[str, Decimal]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(Decimal))
    )
    for period, level, who, eur in entries:
        sums[period][level][who] += eur
    policy = DisclosurePolicy(k=k)
    drafts = []
    for period in sorted(sums):
        cells = {(g,): dict(by) for g, by in sums[period].items()}
        table = protect_sums(SumTable((dimension,), cells, (levels,)), policy)
        contributions: dict[str, dict[tuple[str, ...], Decimal]] = defaultdict(dict)
        for level, by in sums[period].items():
            for who, eur in by.items():
                contributions[who][(level,)] = eur
        drafts.append(Draft(
            name=name, period=period, measure="eur_committed",
            dimensions=table.dimensions, cells=published_cells(table.cells),
            margins=published_cells(table.margins), contributions=dict(contributions),
        ))  # fmt: skip
    return drafts


def _group_drafts(rows: Rows, k: int) -> list[Draft]:
    entries = (
        (quarter_of(day), group, str(org_id), eur)
        for org_id, represents, eur, day in rows.funding
        for group in represents
    )
    return _money_drafts(GROUP_TABLE, "represented_group", REPRESENTED_GROUPS, entries, k)


def _programme_drafts(rows: Rows, k: int) -> list[Draft]:
    """Funding per long-term goal (a grant's amount split equally among its goals) and per
    horizon, each recipient (an organisation, or a grant to a person) one contributor."""
    goals, horizons = [], []
    for grant_id, org_id, horizon, grant_goals, eur, day in rows.programme:
        who, period = f"org:{org_id}" if org_id else f"grant:{grant_id}", quarter_of(day)
        for goal in grant_goals:
            goals.append((period, goal, who, eur / len(grant_goals)))
        if horizon in HORIZONS:
            horizons.append((period, horizon, who, eur))
    return _money_drafts(GOAL_TABLE, "strategic_goal", GOALS, goals, k) + _money_drafts(
        HORIZON_TABLE, "horizon", HORIZONS, horizons, k
    )


def _people(cells: Iterable[ProtectedCell[Decimal]]) -> list[ProtectedCell[int]]:
    """Sums of family members are counts of people: they leave as counts, not as money."""
    return [
        ProtectedCell(c.key, None if c.value is None else int(c.value), c.reason) for c in cells
    ]


def _permit_drafts(rows: Rows, k: int, rounding_base: int | None) -> list[Draft]:
    # period -> permit -> (holder,) ; each permit is one contributor of its cell
    granted: dict[str, dict[str, tuple[str, int]]] = defaultdict(dict)
    for permit_id, vulnerable, family, day in rows.permits:
        granted[quarter_of(day)][str(permit_id)] = (HOLDERS[0] if vulnerable else HOLDERS[1],
                                                    int(family))  # fmt: skip
    drafts = []
    for period in sorted(granted):
        by_permit = granted[period]
        counts = {h: sum(1 for holder, _ in by_permit.values() if holder == h) for h in HOLDERS}
        table = protect_counts(
            CountTable.one_way("holder", counts, HOLDERS),
            DisclosurePolicy(k=k, rounding_base=rounding_base),
        )
        drafts.append(Draft(
            name=PERMIT_TABLE, period=period, measure="permits", dimensions=table.dimensions,
            cells=published_cells(table.cells), margins=published_cells(table.margins),
            contributions={p: {(holder,): 1} for p, (holder, _) in by_permit.items()},
        ))  # fmt: skip
        cells = {(h,): {p: Decimal(f) for p, (holder, f) in by_permit.items() if holder == h}
                 for h in HOLDERS}  # fmt: skip
        sums = protect_sums(SumTable(("holder",), cells, (HOLDERS,)), DisclosurePolicy(k=k))
        drafts.append(Draft(
            name=FAMILY_TABLE, period=period, measure="family_members",
            dimensions=sums.dimensions, cells=published_cells(_people(sums.cells)),
            margins=published_cells(_people(sums.margins)),
            contributions={p: {(holder,): Decimal(f)} for p, (holder, f) in by_permit.items()},
        ))  # fmt: skip
    return drafts


def _basis_points(share: float | None) -> int:
    return 0 if share is None else round(share * 10_000)


def _health_drafts(rows: Rows, k: int, small_below: Decimal) -> list[Draft]:
    """How concentrated and how thinly spread the period's commitments are (coalition signals).

    Shares, not amounts: the Herfindahl index over organisations, the share of the ten largest,
    and the share of commitments below the charter's fragmentation threshold. A period with
    fewer than k funded organisations shares none of them (one share could single one out).
    """
    by_period: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    small: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    counted: dict[str, int] = defaultdict(int)
    for org_id, _represents, eur, day in rows.funding:
        period = quarter_of(day)
        by_period[period][str(org_id)] += eur
        counted[period] += 1
        small[period][str(org_id)] += eur < small_below
    drafts = []
    for period, by_org in sorted(by_period.items()):
        if len(by_org) < k:
            continue
        values = {
            "hhi": health.hhi(by_org.values()),
            "top10_share": health.top_share(by_org.values()),
            "small_commitments_share": sum(small[period].values()) / counted[period],
        }
        cells = tuple(
            Cell(key=(level,), value=_basis_points(values[level])) for level in HEALTH_LEVELS
        )
        drafts.append(Draft(
            name=HEALTH_TABLE, period=period, measure="basis_points",
            dimensions=("health_indicator",), cells=cells,
            margins=(),
            # Every organisation moves every share: k of them must change before a new version.
            contributions={o: {(lv,): eur for lv in HEALTH_LEVELS} for o, eur in by_org.items()},
        ))  # fmt: skip
    return drafts


def protect(
    rows: Rows, k: int, rounding_base: int | None, small_below: Decimal = Decimal(10000)
) -> list[Draft]:
    """Every shared table of every period, protected: CPU only."""
    return (
        _score_drafts(rows, k, rounding_base) + _group_drafts(rows, k)
        + _programme_drafts(rows, k) + _permit_drafts(rows, k, rounding_base)
        + _health_drafts(rows, k, small_below)
    )  # fmt: skip


async def publish(
    *, db: Database, ctx: NodeContext, k: int, rounding_base: int | None,
    charter_version: str = "default", small_below: Decimal = Decimal(10000),
    sign: Callable[[AggregateSnapshotPublished], AggregateSnapshotPublished] | None = None,
    secure: frozenset[str] = frozenset(),
) -> list[AggregateSnapshotPublished]:  # fmt: skip
    """Publish a new version of every table the release rule allows; ``sign`` signs each
    release with the node key. ``secure``: tables not to publish per node (computed by secure
    aggregation, or carrying a secure table's figures: ``concordia.evaluation.secure``)."""
    return await publish_aggregates(
        db, ctx.node, "evaluation", k=k, charter_version=charter_version, sign=sign,
        gather=gather, protect=lambda rows: protect(rows, k, rounding_base, small_below),
        secure=secure, at=now(),
    )  # fmt: skip
