"""What leaves the registry: counts of persons, always through ``concordia.disclosure``.

Four tables per period, chosen so that no two of them publish the same margin (a margin
suppressed in one table and published in another would undo the suppression): permit status in
the host country, gender by federal district of origin, profession category, and ethnic origin.
All four share the grand total, which is either published everywhere or nowhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, get_args

import orjson
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.disclosure import CountTable, DisclosurePolicy, ProtectedTable, protect_counts
from concordia.events import quarter_bounds, quarter_of
from concordia.events.aggregates import ALL, AggregateSnapshotPublished, Cell
from concordia.registry import codes
from concordia.registry.models import Change, Permit, Person
from concordia.registry.outbox import snapshots
from concordia.registry.service._common import NodeContext, emit, now

NO_PERMIT = "none"
PERMIT_LEVELS = (*get_args(codes.PermitStatus), NO_PERMIT)
DISTRICT_LEVELS = (*codes.FEDERAL_DISTRICTS, codes.UKRAINE_DISTRICT, "unknown")
PROFESSION_LEVELS = (*get_args(codes.Profession), "unknown")
ORIGIN_LEVELS = get_args(codes.EthnicOrigin)
_PERMIT_RANK = {"granted": 0, "applied": 1, "expired": 2, "refused": 3}


async def _tables(session: AsyncSession) -> dict[str, CountTable]:
    persons = (
        await session.execute(
            select(
                Person.id, Person.host_country, Person.gender, Person.region_of_origin,
                Person.profession_category, Person.ethnic_origin,
            ).where(Person.erased_at.is_(None))
        )
    ).all()  # fmt: skip
    # A person's standing in their host country is their best permit there.
    best: dict[Any, str] = {}
    for person_id, country, status in await session.execute(
        select(Permit.person_id, Permit.host_country, Permit.status)
    ):
        current = best.get((person_id, country))
        if current is None or _PERMIT_RANK[status] < _PERMIT_RANK[current]:
            best[(person_id, country)] = status
    permit, gender_district, profession, origin = (
        Counter[str](),
        Counter[Any](),
        Counter[str](),
        Counter[str](),
    )
    for p in persons:
        permit[best.get((p.id, p.host_country), NO_PERMIT)] += 1
        district = codes.REGION_DISTRICT.get(p.region_of_origin or "", "unknown")
        gender_district[(p.gender or "undisclosed", district)] += 1
        profession[p.profession_category or "unknown"] += 1
        origin[p.ethnic_origin or "undisclosed"] += 1
    genders = get_args(codes.Gender)
    return {
        "persons_by_permit_status": CountTable.one_way("permit_status", permit, PERMIT_LEVELS),
        "persons_by_gender_and_district": CountTable(
            ("gender", "federal_district"), dict(gender_district), (genders, DISTRICT_LEVELS)
        ),
        "persons_by_profession": CountTable.one_way("profession", profession, PROFESSION_LEVELS),
        "persons_by_ethnic_origin": CountTable.one_way("ethnic_origin", origin, ORIGIN_LEVELS),
    }


def _policies(k: int, rounding_base: int | None) -> Callable[[str], DisclosurePolicy]:
    plain = DisclosurePolicy(k=k, rounding_base=rounding_base)
    # Ethnic origin is special-category data: a zero says "nobody here is X", which is disclosive.
    sensitive = DisclosurePolicy(k=k, rounding_base=rounding_base, zeros_disclosive=True)
    return lambda name: sensitive if name == "persons_by_ethnic_origin" else plain


def _consistent_total(tables: dict[str, ProtectedTable[int]]) -> dict[str, dict[str, Any]]:
    # The grand total is shared by every table; if any table had to hide it, no table shows it.
    payloads = {name: table.as_dict() for name, table in tables.items()}
    if any(table.total.suppressed for table in tables.values()):
        for payload in payloads.values():
            for margin in payload["margins"]:
                if all(part is None for part in margin["key"]) and not margin["suppressed"]:
                    margin.update(value=None, suppressed=True, reason="complementary")
    return payloads


async def compute(*, session: AsyncSession, k: int, rounding_base: int | None) -> dict[str, Any]:
    """Protect the current counts and return each table's publishable payload."""
    policy_for = _policies(k, rounding_base)
    protected = {
        name: protect_counts(table, policy_for(name))
        for name, table in (await _tables(session)).items()
    }
    return _consistent_total(protected)


async def publish(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    k: int,
    rounding_base: int | None,
    charter_version: str = "default",
) -> list[AggregateSnapshotPublished]:
    """Publish a new version of every table whose protected content (or charter) changed."""
    at = now()
    period = quarter_of(at.date())
    released: list[AggregateSnapshotPublished] = []
    if not await _enough_changes(session, period, k):
        return released
    for name, table in (await compute(session=session, k=k, rounding_base=rounding_base)).items():
        event = await snapshots.release(
            session,
            name=name,
            period=period,
            digest=ctx.cipher.digest(
                orjson.dumps([charter_version, table], option=orjson.OPT_SORT_KEYS)
            ),
            build=lambda version, n=name, t=table: _snapshot(
                ctx.node, n, period, version, t, charter_version
            ),
            at=at,
        )
        if event is not None:
            await emit(session, ctx, [event])
            released.append(event)
    return released


async def _enough_changes(session: AsyncSession, period: str, k: int) -> bool:
    """Whether at least ``k`` records changed since this period's last release.

    Two releases that differ by one person's registration would show that person's attributes
    in their difference. A new release therefore waits until at least k changes have gathered,
    so any difference mixes at least k people (the first release of a period is always made).
    """
    last = (await snapshots.last_release_times(session)).get(period)
    if last is None:
        return True
    changed = await session.scalar(select(func.count()).select_from(Change).where(Change.at > last))
    return (changed or 0) >= k


def _cell(cell: dict[str, Any]) -> Cell:
    # The reason stays home: "threshold" would tell the hub that the hidden count is 1..k-1.
    return Cell(
        key=tuple(ALL if part is None else part for part in cell["key"]),
        value=cell["value"],
        suppressed=cell["suppressed"],
    )


def _snapshot(
    node: str, name: str, period: str, version: int, table: dict[str, Any], charter_version: str
) -> AggregateSnapshotPublished:
    start, end = quarter_bounds(period)
    return AggregateSnapshotPublished(
        node=node,
        service="registry",
        aggregate=name,
        period=period,
        period_start=start,
        period_end=end,
        version=version,
        charter_version=charter_version,
        dimensions=tuple(table["dimensions"]),
        cells=tuple(_cell(c) for c in table["cells"]),
        margins=tuple(_cell(c) for c in table["margins"]),
    )


async def latest_published(*, session: AsyncSession) -> list[dict[str, Any]]:
    """The newest published version of each aggregate, exactly as it was sent."""
    return await snapshots.latest(session)
