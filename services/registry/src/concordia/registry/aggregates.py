"""What leaves the registry: counts of persons, always through ``concordia.disclosure``.

Four tables per period, chosen so that no two of them publish the same margin (a margin
suppressed in one table and published in another would undo the suppression): permit status in
the host country, gender by federal district of origin, profession category, and ethnic origin.
All four share the grand total, which is either published everywhere or nowhere. Each person
is a contributor: a new version of a table is released only when every changed cell changed by
at least k persons (``concordia.disclosure.releasable`` states the rule), so two releases never
differ by one person's registration, edit or erasure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database
from concordia.disclosure import CountTable, DisclosurePolicy, protect_counts
from concordia.events import Draft, consistent_totals, published_cells, quarter_of
from concordia.events.aggregates import AggregateSnapshotPublished
from concordia.kit.tables import publish_aggregates, snapshots
from concordia.registry import codes
from concordia.registry.models import Permit, Person
from concordia.registry.service._common import NodeContext, now

NO_PERMIT = "none"
PERMIT_LEVELS = (*get_args(codes.PermitStatus), NO_PERMIT)
DISTRICT_LEVELS = (*codes.FEDERAL_DISTRICTS, codes.UKRAINE_DISTRICT, "unknown")
PROFESSION_LEVELS = (*get_args(codes.Profession), "unknown")
ORIGIN_LEVELS = get_args(codes.EthnicOrigin)
_PERMIT_RANK = {"granted": 0, "applied": 1, "expired": 2, "refused": 3}


@dataclass(frozen=True, slots=True)
class Rows:
    """What a publication reads, in one read unit of work; protected off the event loop."""

    persons: list[tuple[Any, ...]]
    best_permit: dict[tuple[Any, str], str]


async def gather(session: AsyncSession) -> Rows:
    """Every registered (not erased) person's coded attributes and best permit per country."""
    persons = await session.execute(
        select(
            Person.id, Person.host_country, Person.gender, Person.region_of_origin,
            Person.profession_category, Person.ethnic_origin,
        ).where(Person.erased_at.is_(None))
    )  # fmt: skip
    # A person's standing in their host country is their best permit there.
    best: dict[tuple[Any, str], str] = {}
    for person_id, country, status in await session.execute(
        select(Permit.person_id, Permit.host_country, Permit.status)
    ):
        current = best.get((person_id, country))
        if current is None or _PERMIT_RANK[status] < _PERMIT_RANK[current]:
            best[(person_id, country)] = status
    return Rows([tuple(p) for p in persons], best)


def _tables(rows: Rows) -> dict[str, tuple[CountTable, dict[str, dict[tuple[str, ...], int]]]]:
    """Each table's counts, and the cell each person counts in (their contribution)."""
    where: dict[str, dict[str, dict[tuple[str, ...], int]]] = {
        name: {} for name in ("permit", "gender_district", "profession", "origin")
    }
    for person_id, country, gender, region, profession, origin in rows.persons:
        who = f"person:{person_id}"
        district = codes.REGION_DISTRICT.get(region or "", "unknown")
        where["permit"][who] = {(rows.best_permit.get((person_id, country), NO_PERMIT),): 1}
        where["gender_district"][who] = {(gender or "undisclosed", district): 1}
        where["profession"][who] = {(profession or "unknown",): 1}
        where["origin"][who] = {(origin or "undisclosed",): 1}

    def counts(name: str) -> Counter[Any]:
        found: Counter[Any] = Counter()
        for adds in where[name].values():
            found.update({key if len(key) > 1 else key[0]: n for key, n in adds.items()})
        return found

    genders = get_args(codes.Gender)
    return {
        "persons_by_permit_status": (
            CountTable.one_way("permit_status", counts("permit"), PERMIT_LEVELS),
            where["permit"],
        ),
        "persons_by_gender_and_district": (
            CountTable(
                ("gender", "federal_district"),
                dict(counts("gender_district")),
                (genders, DISTRICT_LEVELS),
            ),
            where["gender_district"],
        ),
        "persons_by_profession": (
            CountTable.one_way("profession", counts("profession"), PROFESSION_LEVELS),
            where["profession"],
        ),
        "persons_by_ethnic_origin": (
            CountTable.one_way("ethnic_origin", counts("origin"), ORIGIN_LEVELS),
            where["origin"],
        ),
    }


def _policies(k: int, rounding_base: int | None) -> Callable[[str], DisclosurePolicy]:
    plain = DisclosurePolicy(k=k, rounding_base=rounding_base)
    # Ethnic origin is special-category data: a zero says "nobody here is X", which is disclosive.
    sensitive = DisclosurePolicy(k=k, rounding_base=rounding_base, zeros_disclosive=True)
    return lambda name: sensitive if name == "persons_by_ethnic_origin" else plain


def protect(rows: Rows, k: int, rounding_base: int | None, period: str) -> list[Draft]:
    """The four tables of ``period``, protected, sharing one grand total: CPU only."""
    policy_for = _policies(k, rounding_base)
    drafts = []
    for name, (table, contributions) in _tables(rows).items():
        protected = protect_counts(table, policy_for(name))
        drafts.append(
            Draft(
                name=name, period=period, dimensions=protected.dimensions,
                cells=published_cells(protected.cells),
                margins=published_cells(protected.margins), contributions=contributions,
                stock=True,  # everyone registered now: the next quarter continues this table
            )
        )  # fmt: skip
    return consistent_totals(drafts)


async def publish(
    *,
    db: Database,
    ctx: NodeContext,
    k: int,
    rounding_base: int | None,
    protect: Callable[[Rows, int, int | None, str], list[Draft]] = protect,
    charter_version: str = "default",
    sign: Callable[[AggregateSnapshotPublished], AggregateSnapshotPublished] | None = None,
    secure: frozenset[str] = frozenset(),
) -> list[AggregateSnapshotPublished]:
    """Publish this quarter's tables where the release rule allows (``Publisher.publish``).

    ``sign`` signs each release with the node key.
    ``secure``: tables not to publish per node (computed by secure aggregation, or carrying a
    secure table's figures: ``concordia.registry.secure.not_plain``).
    """
    at = now()
    period = quarter_of(at.date())
    return await publish_aggregates(
        db, ctx.node, "registry", k=k, charter_version=charter_version, sign=sign, gather=gather,
        protect=lambda rows: protect(rows, k, rounding_base, period), secure=secure, at=at,
    )  # fmt: skip


async def latest_published(*, session: AsyncSession) -> list[dict[str, Any]]:
    """The newest published version of each aggregate, exactly as it was sent."""
    return await snapshots.latest(session)
