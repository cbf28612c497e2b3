"""What leaves the ledger: funding sums and participant counts, through ``concordia.disclosure``.

Periods are calendar quarters of when the money moved or the activity began: a funding table of
``2026-Q2`` sums the commitments (IATI 2) or disbursements (IATI 3) whose *value date* falls in
that quarter, converted to EUR at the rate of that date (transactions no rate covers are left
out until ops load one). Pledges (12) and other types never count. Withdrawn grants do not
count; restricted ones do (only protected sums of them leave). A backdated transaction changes
its own quarter, which is then released as a new version.

Funding tables (``committed_eur_by_purpose``, ``disbursed_eur_by_strategic_goal``, ...) are one
per measure and dimension, so no two publish the same margin; all four of a measure and period
share the grand total, published everywhere or nowhere. A grant with several strategic goals is
divided equally among them (remainder cents to the first goal in code order) so that table adds
up to the same total. Each contributor in ``protect_sums`` is a *recipient*: an organisation, or
a person (each individual separately; a grant to an erased person is its own contributor). So a
cell needs at least k distinct recipients (hence at least k grants), and the (2, 85 %) dominance
and p % rules stop a cell in which one or two recipients received nearly everything from
revealing what they received; complementary suppression keeps it from being recovered from the
total.

Diversity tables (``participants_by_gender``, ``participants_by_ethnic_origin``) count
*participants* of activities that began in the quarter, not unique persons: someone at two
events counts twice. Only protected counts leave; the hub computes the shares (women, non-Russian
origin). A zero in ethnic origin is disclosive (special-category data), so it is protected too.
"""

from __future__ import annotations

import hashlib
import logging
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from typing import Any, get_args

import orjson
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.disclosure import (
    CountTable,
    DisclosurePolicy,
    ProtectedCell,
    ProtectedTable,
    Reason,
    SumTable,
    protect_counts,
    protect_sums,
)
from concordia.events import published_cells, quarter_bounds, quarter_of
from concordia.events.aggregates import AggregateSnapshotPublished, Cell
from concordia.ledger import codes
from concordia.ledger.models import Activity, Donor, Grant, Rate, Transaction
from concordia.ledger.outbox import snapshots
from concordia.ledger.service._common import NodeContext, emit, now

log = logging.getLogger(__name__)

_CENT = Decimal("0.01")
#: Money measures: the event's ``measure`` code and the IATI transaction types summed.
MEASURES: dict[str, tuple[str, frozenset[int]]] = {
    "committed": ("eur_committed", codes.COMMITTED_TYPES),
    "disbursed": ("eur_disbursed", codes.DISBURSED_TYPES),
}
COUNTED_TYPES = codes.COMMITTED_TYPES | codes.DISBURSED_TYPES
FUNDING_LEVELS: dict[str, tuple[str, ...]] = {
    "purpose": get_args(codes.Purpose),
    "horizon": get_args(codes.Horizon),
    "strategic_goal": codes.GOALS,
    "donor_type": get_args(codes.DonorType),
}
GENDER_LEVELS = ("women", "men", "other", "undisclosed")
ORIGIN_LEVELS = ("russian", "non_russian", "undisclosed")
FUNDING = tuple(f"{m}_eur_by_{d}" for m in MEASURES for d in FUNDING_LEVELS)
DIVERSITY = ("participants_by_gender", "participants_by_ethnic_origin")


@dataclass(frozen=True, slots=True)
class Table:
    """One protected table ready to publish, with what its values measure."""

    measure: str
    protected: ProtectedTable[Any]


# --- release gating ----------------------------------------------------------------------------


async def _last_releases(session: AsyncSession, names: Iterable[str]) -> dict[str, datetime]:
    return await snapshots.last_release_times(session, names)


def _open_periods(
    periods: Iterable[str],
    last: dict[str, datetime],
    changes: Iterable[tuple[date, datetime, object]],
    k: int,
) -> list[str]:
    """Periods released for the first time, or with at least ``k`` distinct changes since.

    Two releases of a period that differ by one recipient's transaction (or one activity) would
    show it in their difference, so a new version waits until k have changed. Only additions
    and edits are counted, not removals or withdrawals: an uncounted change can delay a release,
    never make one mix fewer than k.
    """
    changed: dict[str, set[object]] = defaultdict(set)
    for day, at, who in changes:
        period = quarter_of(day)
        if period in last and at > last[period]:
            changed[period].add(who)
    return sorted(p for p in set(periods) if p not in last or len(changed[p]) >= k)


async def _funding_periods(session: AsyncSession, k: int) -> list[str]:
    live = Grant.withdrawn_at.is_(None) & Transaction.type.in_(COUNTED_TYPES)
    days = await session.scalars(select(Transaction.value_date).join(Grant).where(live).distinct())
    last = await _last_releases(session, FUNDING)
    since = min(last.values(), default=None)
    changes: list[tuple[date, datetime, object]] = []
    if since is not None:
        rows = await session.execute(
            select(Transaction.value_date, Transaction.created_at, *_recipient_columns())
            .join(Grant)
            .where(live, Transaction.created_at > since)
        )
        changes = [(r[0], r[1], _contributor(*r[2:])) for r in rows.all()]
    return _open_periods({quarter_of(d) for d in days} | set(last), last, changes, k)


async def _diversity_periods(session: AsyncSession, k: int) -> list[str]:
    days = await session.scalars(
        select(Activity.start_date).join(Grant).where(Grant.withdrawn_at.is_(None)).distinct()
    )
    last = await _last_releases(session, DIVERSITY)
    since = min(last.values(), default=None)
    changes: list[tuple[date, datetime, object]] = []
    if since is not None:
        rows = await session.execute(
            select(Activity.start_date, Activity.updated_at, Activity.id)
            .join(Grant)
            .where(Grant.withdrawn_at.is_(None), Activity.updated_at > since)
        )
        changes = [(r[0], r[1], r[2]) for r in rows.all()]
    return _open_periods({quarter_of(d) for d in days} | set(last), last, changes, k)


# --- the tables --------------------------------------------------------------------------------


def _recipient_columns() -> tuple[Any, ...]:
    return (Grant.id, Grant.recipient_organisation_id, Grant.recipient_person_id)


def _contributor(grant_id: object, organisation_id: object, person_id: object) -> str:
    """Who a grant's money reached, for dominance: one organisation or one person.

    Stays home: ``protect_sums`` uses it to group amounts and never puts it in its output.
    """
    if organisation_id is not None:
        return f"organisation:{organisation_id}"
    if person_id is not None:
        return f"person:{person_id}"
    return f"grant:{grant_id}"  # an erased individual: on their own


async def _rates(session: AsyncSession) -> dict[str, tuple[list[date], list[Decimal]]]:
    by_currency: dict[str, tuple[list[date], list[Decimal]]] = {}
    for currency, day, rate in await session.execute(
        select(Rate.currency, Rate.date, Rate.rate).order_by(Rate.currency, Rate.date)
    ):
        days, values = by_currency.setdefault(currency, ([], []))
        days.append(day)
        values.append(rate)
    return by_currency


def _to_eur(
    rates: dict[str, tuple[list[date], list[Decimal]]], amount: Decimal, currency: str, day: date
) -> Decimal | None:
    """As ``service.rates.in_eur``: the latest rate on or before the value date, to the cent."""
    if currency == "EUR":
        return amount.quantize(_CENT, ROUND_HALF_EVEN)
    days, values = rates.get(currency, ([], []))
    index = bisect_right(days, day) - 1
    if index < 0:
        return None
    return (amount * values[index]).quantize(_CENT, ROUND_HALF_EVEN)


def _split(amount: Decimal, parts: int) -> list[Decimal]:
    """``amount`` in ``parts`` equal shares to the cent, the remainder cents to the first."""
    share = (amount / parts).quantize(_CENT, ROUND_DOWN)
    shares = [share] * parts
    cents = int((amount - share * parts) / _CENT)
    for i in range(cents):
        shares[i] += _CENT
    return shares


async def _funding_tables(
    session: AsyncSession, periods: list[str], policy: DisclosurePolicy
) -> dict[str, dict[str, Table]]:
    first, last = quarter_bounds(periods[0])[0], quarter_bounds(periods[-1])[1]
    query: Select[Any] = (
        select(
            *_recipient_columns(), Grant.purpose, Grant.horizon, Grant.goals, Donor.type,
            Transaction.type, Transaction.amount, Transaction.currency, Transaction.value_date,
        )
        .join(Transaction, Transaction.grant_id == Grant.id)
        .join(Donor, Donor.id == Grant.donor_id)
        .where(
            Grant.withdrawn_at.is_(None), Transaction.type.in_(COUNTED_TYPES),
            Transaction.value_date.between(first, last),
        )
    )  # fmt: skip
    rates = await _rates(session)
    wanted = set(periods)
    # (measure, period, dimension) -> cell label -> contributor -> EUR
    sums: dict[tuple[str, str, str], dict[str, dict[str, Decimal]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(Decimal))
    )
    for row in await session.execute(query):
        grant_id, org_id, person_id, purpose, horizon, goals, donor_type = row[:7]
        tx_type, amount, currency, value_date = row[7:]
        period = quarter_of(value_date)
        eur = _to_eur(rates, amount, currency, value_date)
        if period not in wanted or eur is None:
            continue
        who = _contributor(grant_id, org_id, person_id)
        measure = next(m for m, (_, types) in MEASURES.items() if tx_type in types)
        for dimension, label in (("purpose", purpose), ("horizon", horizon),
                                 ("donor_type", donor_type)):  # fmt: skip
            sums[(measure, period, dimension)][label][who] += eur
        ordered = sorted(goals, key=codes.GOALS.index)
        for goal, share in zip(ordered, _split(eur, len(ordered)), strict=True):
            sums[(measure, period, "strategic_goal")][goal][who] += share
    tables: dict[str, dict[str, Table]] = {}
    for period in periods:
        for measure, (code, _) in MEASURES.items():
            group = {}
            for dimension, levels in FUNDING_LEVELS.items():
                cells = sums.get((measure, period, dimension), {})
                table = SumTable(
                    (dimension,), {(label,): dict(c) for label, c in cells.items()}, (levels,)
                )
                group[f"{measure}_eur_by_{dimension}"] = Table(code, protect_sums(table, policy))
            tables.setdefault(period, {}).update(_consistent_total(group))
    return tables


async def _diversity_tables(
    session: AsyncSession, periods: list[str], k: int, rounding_base: int | None
) -> dict[str, dict[str, Table]]:
    first, last = quarter_bounds(periods[0])[0], quarter_bounds(periods[-1])[1]
    rows = await session.execute(
        select(
            Activity.start_date, Activity.women, Activity.men, Activity.gender_other,
            Activity.gender_undisclosed, Activity.russian, Activity.non_russian,
            Activity.origin_undisclosed,
        )
        .join(Grant, Grant.id == Activity.grant_id)
        .where(Grant.withdrawn_at.is_(None), Activity.start_date.between(first, last))
    )  # fmt: skip
    gender: dict[str, list[int]] = defaultdict(lambda: [0] * len(GENDER_LEVELS))
    origin: dict[str, list[int]] = defaultdict(lambda: [0] * len(ORIGIN_LEVELS))
    for row in rows:
        period = quarter_of(row[0])
        gender[period] = [a + b for a, b in zip(gender[period], row[1:5], strict=True)]
        origin[period] = [a + b for a, b in zip(origin[period], row[5:8], strict=True)]
    plain = DisclosurePolicy(k=k, rounding_base=rounding_base)
    # Ethnic origin is special-category data: a zero says "nobody here is X", which is disclosive.
    sensitive = DisclosurePolicy(k=k, rounding_base=rounding_base, zeros_disclosive=True)
    tables: dict[str, dict[str, Table]] = {}
    for period in periods:
        by_gender = CountTable.one_way(
            "gender", dict(zip(GENDER_LEVELS, gender[period], strict=True)), GENDER_LEVELS
        )
        by_origin = CountTable.one_way(
            "ethnic_origin", dict(zip(ORIGIN_LEVELS, origin[period], strict=True)), ORIGIN_LEVELS
        )
        tables[period] = _consistent_total(
            {
                "participants_by_gender": Table("participants", protect_counts(by_gender, plain)),
                "participants_by_ethnic_origin": Table(
                    "participants", protect_counts(by_origin, sensitive)
                ),
            }
        )
    return tables


def _consistent_total(tables: dict[str, Table]) -> dict[str, Table]:
    """Hide the shared grand total everywhere if any table of the group had to hide it."""
    if not any(t.protected.total.suppressed for t in tables.values()):
        return tables
    out = {}
    for name, table in tables.items():
        p = table.protected
        if not p.total.suppressed:
            hidden: ProtectedCell[Any] = ProtectedCell(p.total.key, None, Reason.COMPLEMENTARY)
            p = ProtectedTable(
                p.dimensions, p.levels, p.cells, (*p.margins[:-1], hidden), p.policy,
                p.rounding_base, p.kind,
            )  # fmt: skip
        out[name] = Table(table.measure, p)
    return out


async def compute(
    *,
    session: AsyncSession,
    k: int,
    rounding_base: int | None,
    periods: dict[str, list[str]],
    money_rules: dict[str, Any] | None = None,
) -> dict[tuple[str, str], Table]:
    """Protect the tables of the given periods (``{"funding": [...], "diversity": [...]}``).

    ``money_rules`` (``dominance_n``, ``dominance_k``, ``p_percent``) come from the charter; the
    policy's defaults, (2, 85 %) and p 10 %, apply when they are absent.
    """
    out: dict[tuple[str, str], Table] = {}
    if periods.get("funding"):
        policy = DisclosurePolicy(k=k, **(money_rules or {}))  # money is never rounded
        for period, group in (await _funding_tables(session, periods["funding"], policy)).items():
            out.update({(name, period): table for name, table in group.items()})
    if periods.get("diversity"):
        tables = await _diversity_tables(session, periods["diversity"], k, rounding_base)
        for period, group in tables.items():
            out.update({(name, period): table for name, table in group.items()})
    return out


# --- publication -------------------------------------------------------------------------------


async def publish(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    k: int,
    rounding_base: int | None,
    charter_version: str = "default",
    money_rules: dict[str, Any] | None = None,
) -> list[AggregateSnapshotPublished]:
    """Publish a new version of every table whose protected content (or charter) changed."""
    at = now()
    periods = {
        "funding": await _funding_periods(session, k),
        "diversity": await _diversity_periods(session, k),
    }
    released: list[AggregateSnapshotPublished] = []
    tables = await compute(
        session=session, k=k, rounding_base=rounding_base, periods=periods,
        money_rules=money_rules,
    )  # fmt: skip
    for (name, period), table in sorted(tables.items()):
        cells = published_cells(table.protected.cells)
        margins = published_cells(table.protected.margins)
        content = [
            charter_version,
            table.measure,
            *(c.model_dump(mode="json") for c in (*cells, *margins)),
        ]

        def build(
            version: int,
            name: str = name,
            period: str = period,
            table: Table = table,
            cells: tuple[Cell, ...] = cells,
            margins: tuple[Cell, ...] = margins,
        ) -> AggregateSnapshotPublished:
            start, end = quarter_bounds(period)
            return AggregateSnapshotPublished(
                node=ctx.node, service="ledger", aggregate=name, period=period,
                period_start=start, period_end=end, version=version,
                charter_version=charter_version, measure=table.measure,
                dimensions=table.protected.dimensions, cells=cells, margins=margins,
            )  # fmt: skip

        event = await snapshots.release(
            session,
            name=name,
            period=period,
            digest=hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).digest(),
            build=build,
            at=at,
        )
        if event is not None:
            await emit(session, ctx, [event])
            released.append(event)
    return released


async def latest_published(*, session: AsyncSession) -> list[dict[str, Any]]:
    """The newest published version of each aggregate and period, exactly as it was sent."""
    return await snapshots.latest(session)
