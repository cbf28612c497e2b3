"""What leaves the ledger: funding sums and participant counts, through ``concordia.disclosure``.

Periods are calendar quarters of when the money moved or the activity began: a funding table of
``2026-Q2`` sums the commitments (IATI 2) or disbursements (IATI 3) whose *value date* falls in
that quarter, converted to EUR at the rate of that date (transactions no rate covers are left
out until ops load one). Pledges (12) and other types never count. Withdrawn grants do not
count; restricted ones do (only protected sums of them leave). A backdated transaction changes
its own quarter, which is then released as a new version when the release rule allows it (see
``concordia.disclosure.releasable``: every changed cell changed by at least k contributors).

Funding tables (``committed_eur_by_purpose``, ``disbursed_eur_by_strategic_goal``, ...) are one
per measure and dimension, so no two publish the same margin; all four of a measure and period
share the grand total, published everywhere or nowhere. A grant with several strategic goals is
divided equally among them (remainder cents to the first goal in code order) so that table adds
up to the same total. Each contributor in ``protect_sums`` is a *recipient*: an organisation, or
a person (each individual separately; all grants to erased persons are one contributor). So a
cell needs at least k distinct recipients (hence at least k grants), and the (2, 85 %) dominance
and p % rules stop a cell in which one or two recipients received nearly everything from
revealing what they received; complementary suppression keeps it from being recovered from the
total.

Diversity tables (``participants_by_gender``, ``participants_by_ethnic_origin``) count
*participants* of activities that began in the quarter, not unique persons: someone at two
events counts twice. Only protected counts leave; the hub computes the shares (women, non-Russian
origin). A zero in ethnic origin is disclosive (special-category data), so it is protected too.

A pooled share hides all-male panels, so the women band is also judged *per activity* (each
event and programme on its own): ``participants_by_women_share_band`` counts the participants of
the quarter's activities by where their activity's women share lies against the charter's band
(``inside``, ``below_floor``, ``above_ceiling``; ``no_data`` when no participant disclosed a
gender). The share is the evaluation's: women among women, men and other genders. Counts are of
persons, protected as the other diversity tables; the hub reads from them whether every activity
is inside the band.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from typing import Any, get_args

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database
from concordia.disclosure import (
    CountTable,
    DisclosurePolicy,
    ProtectedTable,
    SumTable,
    protect_counts,
    protect_sums,
)
from concordia.events import Draft, consistent_totals, published_cells, quarter_of
from concordia.events.aggregates import AggregateSnapshotPublished
from concordia.kit.tables import publish_aggregates, snapshots
from concordia.ledger import codes
from concordia.ledger.models import Activity, Donor, FeedCounter, Grant, Rate, Transaction
from concordia.ledger.service._common import NodeContext, now

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
BAND_LEVELS = ("inside", "below_floor", "above_ceiling", "no_data")
#: The charter target judged per activity, and the table and dimension it is judged on.
BAND_TARGET = "women_share"
BAND_TABLE, BAND_DIMENSION = f"participants_by_{BAND_TARGET}_band", f"{BAND_TARGET}_band"
FUNDING = tuple(f"{m}_eur_by_{d}" for m in MEASURES for d in FUNDING_LEVELS)
DIVERSITY = ("participants_by_gender", "participants_by_ethnic_origin", BAND_TABLE)
_SHARE = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class Band:
    """A target's floor and ceiling (shares 0..1; None where the charter sets none)."""

    floor: Decimal | None
    ceiling: Decimal | None

    @classmethod
    def of(cls, charter: Any) -> Band | None:
        """The band of the charter's women target, if it has one."""
        for target in charter.targets:
            if target.indicator == BAND_TARGET:
                return cls(target.min_share, target.max_share)
        return None

    def level(self, women: int, disclosed: int) -> str:
        """Where one activity's women share lies: a ``BAND_LEVELS`` code."""
        if disclosed == 0:
            return "no_data"
        share = (Decimal(women) / Decimal(disclosed)).quantize(_SHARE)
        if self.floor is not None and share < self.floor:
            return "below_floor"
        if self.ceiling is not None and share > self.ceiling:
            return "above_ceiling"
        return "inside"


@dataclass(frozen=True, slots=True)
class Rows:
    """What a publication reads, in one read unit of work; protected off the event loop."""

    funding: list[tuple[Any, ...]]
    rates: dict[str, tuple[list[date], list[Decimal]]]
    activities: list[tuple[Any, ...]]
    released: dict[str, set[str]]  # "funding" / "diversity" -> periods released before


async def gather(session: AsyncSession) -> Rows:
    """Every counted transaction and activity of a live grant, the rates, the released periods."""
    funding = await session.execute(
        select(
            *_recipient_columns(), Grant.purpose, Grant.horizon, Grant.goals, Donor.type,
            Transaction.type, Transaction.amount, Transaction.currency, Transaction.value_date,
        )
        .join(Transaction, Transaction.grant_id == Grant.id)
        .join(Donor, Donor.id == Grant.donor_id)
        .where(Grant.withdrawn_at.is_(None), Transaction.type.in_(COUNTED_TYPES))
    )  # fmt: skip
    activities = await session.execute(
        select(
            Activity.id, Activity.start_date, Activity.women, Activity.men, Activity.gender_other,
            Activity.gender_undisclosed, Activity.russian, Activity.non_russian,
            Activity.origin_undisclosed,
        )
        .join(Grant, Grant.id == Activity.grant_id)
        .where(Grant.withdrawn_at.is_(None))
    )  # fmt: skip
    released = {
        group: set(await snapshots.last_release_times(session, names))
        for group, names in (("funding", FUNDING), ("diversity", DIVERSITY))
    }
    return Rows(
        [tuple(r) for r in funding], await _rates(session), [tuple(r) for r in activities], released
    )


def _recipient_columns() -> tuple[Any, ...]:
    return (Grant.id, Grant.recipient_organisation_id, Grant.recipient_person_id)


def _contributor(organisation_id: object, person_id: object) -> str:
    """Who a grant's money reached, for dominance: one organisation or one person.

    Every grant to an erased person counts as one contributor, ``erased``: erasure must not
    turn one hidden person into many apparent ones (which would help a cell pass the threshold).
    Stays home: ``protect_sums`` uses it to group amounts and never puts it in its output.
    """
    if organisation_id is not None:
        return f"organisation:{organisation_id}"
    if person_id is not None:
        return f"person:{person_id}"
    return "erased"


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


def _funding_drafts(rows: Rows, k: int, money_rules: dict[str, Any] | None = None) -> list[Draft]:
    # dominance (2, 85 %) and p 10 % unless the charter says otherwise; money is never rounded
    policy = DisclosurePolicy(k=k, **(money_rules or {}))
    # (measure, period, dimension) -> cell label -> contributor -> EUR
    sums: dict[tuple[str, str, str], dict[str, dict[str, Decimal]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(Decimal))
    )
    periods = set(rows.released["funding"])
    for row in rows.funding:
        _, org_id, person_id, purpose, horizon, goals, donor_type = row[:7]
        tx_type, amount, currency, value_date = row[7:]
        eur = _to_eur(rows.rates, amount, currency, value_date)
        if eur is None:
            continue
        period = quarter_of(value_date)
        periods.add(period)
        who = _contributor(org_id, person_id)
        measure = next(m for m, (_, types) in MEASURES.items() if tx_type in types)
        for dimension, label in (("purpose", purpose), ("horizon", horizon),
                                 ("donor_type", donor_type)):  # fmt: skip
            sums[(measure, period, dimension)][label][who] += eur
        ordered = sorted(goals, key=codes.GOALS.index)
        for goal, share in zip(ordered, _split(eur, len(ordered)), strict=True):
            sums[(measure, period, "strategic_goal")][goal][who] += share
    drafts: list[Draft] = []
    for period in sorted(periods):
        for measure, (code, _) in MEASURES.items():
            group = []
            for dimension, levels in FUNDING_LEVELS.items():
                cells = sums.get((measure, period, dimension), {})
                table = SumTable(
                    (dimension,), {(label,): dict(c) for label, c in cells.items()}, (levels,)
                )
                contributions: dict[str, dict[tuple[str, ...], Decimal]] = defaultdict(dict)
                for label, by_who in cells.items():
                    for who, eur in by_who.items():
                        contributions[who][(label,)] = eur
                group.append(
                    _draft(f"{measure}_eur_by_{dimension}", period, code,
                           protect_sums(table, policy), contributions)
                )  # fmt: skip
            drafts += consistent_totals(group)
    return drafts


def _diversity_drafts(
    rows: Rows, k: int, rounding_base: int | None, band: Band | None = None
) -> list[Draft]:
    """Participants by gender, by ethnic origin and (with a ``band``) by their activity's place
    in the women band; each activity is a contributor."""
    gender: dict[str, dict[str, dict[tuple[str, ...], int]]] = defaultdict(dict)
    origin: dict[str, dict[str, dict[tuple[str, ...], int]]] = defaultdict(dict)
    banded: dict[str, dict[str, dict[tuple[str, ...], int]]] = defaultdict(dict)
    periods = set(rows.released["diversity"])
    for activity_id, start, *counts in rows.activities:
        period = quarter_of(start)
        periods.add(period)
        gender[period][str(activity_id)] = {
            (level,): n for level, n in zip(GENDER_LEVELS, counts[:4], strict=True)
        }
        origin[period][str(activity_id)] = {
            (level,): n for level, n in zip(ORIGIN_LEVELS, counts[4:], strict=True)
        }
        if band is not None:
            women, men, other, _ = counts[:4]
            where = band.level(women, women + men + other)
            banded[period][str(activity_id)] = {
                (level,): sum(counts[:4]) if level == where else 0 for level in BAND_LEVELS
            }
    plain = DisclosurePolicy(k=k, rounding_base=rounding_base)
    # Ethnic origin is special-category data: a zero says "nobody here is X", which is disclosive.
    sensitive = DisclosurePolicy(k=k, rounding_base=rounding_base, zeros_disclosive=True)
    drafts: list[Draft] = []
    for period in sorted(periods):
        group = []
        tables = [
            ("participants_by_gender", gender, "gender", GENDER_LEVELS, plain),
            ("participants_by_ethnic_origin", origin, "ethnic_origin", ORIGIN_LEVELS, sensitive),
        ]
        if band is not None:
            tables.append((BAND_TABLE, banded, BAND_DIMENSION, BAND_LEVELS, plain))
        for name, by, dimension, levels, policy in tables:
            totals = {
                level: sum(adds[(level,)] for adds in by[period].values()) for level in levels
            }
            table = CountTable.one_way(dimension, totals, levels)
            group.append(
                _draft(name, period, "participants", protect_counts(table, policy), by[period])
            )
        drafts += consistent_totals(group)
    return drafts


def _draft(
    name: str, period: str, measure: str, protected: ProtectedTable[Any], contributions: Any
) -> Draft:
    return Draft(
        name=name, period=period, measure=measure, dimensions=protected.dimensions,
        cells=published_cells(protected.cells), margins=published_cells(protected.margins),
        contributions=contributions,
    )  # fmt: skip


def protect(
    rows: Rows,
    k: int,
    rounding_base: int | None,
    money_rules: dict[str, Any] | None = None,
    band: Band | None = None,
) -> list[Draft]:
    """Every table of every period with data (or released before), protected: CPU only.

    ``money_rules`` (``dominance_n``, ``dominance_k``, ``p_percent``) come from the charter; the
    policy's defaults, (2, 85 %) and p 10 %, apply when they are absent. ``band``: the charter's
    women band, judged per activity (no band table without one).
    """
    return _funding_drafts(rows, k, money_rules) + _diversity_drafts(rows, k, rounding_base, band)


async def publish(
    *,
    db: Database,
    ctx: NodeContext,
    k: int,
    rounding_base: int | None,
    protect: Callable[..., list[Draft]] = protect,
    charter_version: str = "default",
    money_rules: dict[str, Any] | None = None,
    band: Band | None = None,
    sign: Callable[[AggregateSnapshotPublished], AggregateSnapshotPublished] | None = None,
    secure: frozenset[str] = frozenset(),
) -> list[AggregateSnapshotPublished]:
    """Publish a new version of every table the release rule allows (``Publisher.publish``).

    ``sign`` signs each release with the node key.
    ``secure``: the tables the charter has the nodes compute by secure aggregation; they are not
    published per node (one channel per table, ``concordia.ledger.secure``).
    """
    return await publish_aggregates(
        db, ctx.node, "ledger", k=k, charter_version=charter_version, sign=sign, gather=gather,
        protect=lambda rows: protect(rows, k, rounding_base, money_rules, band), secure=secure,
        at=now(), fingerprint=fingerprint,
    )  # fmt: skip


async def fingerprint(session: AsyncSession) -> tuple[Any, ...]:
    """What changes whenever a table's input does, in a few index-sized reads.

    Every change of a grant or its transactions takes a feed position (the counter); rates,
    donors (their type) and activities carry their own update times, and a deleted activity
    changes the count. A quiet ledger then costs the publisher these reads, not a full scan.
    """
    counter = await session.scalar(select(FeedCounter.value).where(FeedCounter.name == "grants"))
    rows = await session.execute(select(func.max(Rate.updated_at), func.count()).select_from(Rate))
    rates = tuple(rows.one())
    activities = tuple(
        (await session.execute(select(func.max(Activity.updated_at), func.count()))).one()
    )
    donors = await session.scalar(select(func.max(Donor.updated_at)))
    return (counter, rates, activities, donors)


async def latest_published(*, session: AsyncSession) -> list[dict[str, Any]]:
    """The newest published version of each aggregate and period, exactly as it was sent."""
    return await snapshots.latest(session)
