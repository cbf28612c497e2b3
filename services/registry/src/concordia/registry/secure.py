"""The registry's secure tables: each node's counts of persons, for secure aggregation.

The registry's tables describe a state (everyone registered now), so a period's cells are the
persons as they stand in the *current* quarter; a round for another period is refused
(``not_current``). Charters list these tables with ``stock: true``: each node's differencing
guard then checks a later period's roster against the earlier ones.

- ``persons_by_ethnic_origin`` and ``persons_by_vulnerability`` (special category: the charter
  needs an epsilon); a person counts once in each of their vulnerabilities (``none`` without),
  so the charter's ``sensitivity`` is the number of levels a person can hold;
- ``persons_by_permit_status``: each person's best permit in their host country, and
  ``family_members_by_permit_status``: the family members that permit covers (families covered
  included; at most 30 a permit, so the charter's ``sensitivity`` for it is 30). Not published
  plainly: it exists only as a secure table;
- ``persons_by_federal_district``: the district of the region of origin. Listed as secure, it
  also stops the plain ``persons_by_gender_and_district``, whose district margins are the same
  counts (``COVERED``): one channel per figure, not only per table name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import get_args

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.events import quarter_of
from concordia.kit.secure import SecureSource
from concordia.registry import aggregates, codes
from concordia.registry.models import Permit, Person
from concordia.registry.service._common import now
from concordia.secagg import Refused

VULNERABILITY_LEVELS = (*get_args(codes.Vulnerability), "none")
#: Plain tables that carry a secure table's figures (as margins): not published beside it.
COVERED: dict[str, tuple[str, ...]] = {
    "persons_by_federal_district": ("persons_by_gender_and_district",),
}


def _current(period: str) -> None:
    if period != quarter_of(now().date()):
        raise Refused("not_current", "persons are counted as they stand: the current quarter")


def _persons(cell: Callable[[aggregates.Rows, tuple[object, ...]], str]) -> SecureSource:
    async def cells(session: AsyncSession, period: str) -> Mapping[str, int]:
        _current(period)
        rows = await aggregates.gather(session)
        return Counter(cell(rows, person) for person in rows.persons)

    return cells


async def _vulnerabilities(session: AsyncSession, period: str) -> Mapping[str, int]:
    _current(period)
    found: Counter[str] = Counter()
    for listed in await session.scalars(
        select(Person.vulnerabilities).where(Person.erased_at.is_(None))
    ):
        found.update(set(listed or ()) or {"none"})
    return found


async def _families(session: AsyncSession, period: str) -> Mapping[str, int]:
    """The family members each person's best permit in their host country covers, by that
    permit's status: persons by permit status with their families (a tie between permits of
    one status counts the one covering most)."""
    _current(period)
    rank = aggregates._PERMIT_RANK
    best: dict[object, tuple[str, int]] = {}  # person -> (status, family members covered)
    for person_id, status, family in await session.execute(
        select(Permit.person_id, Permit.status, Permit.family_members_covered)
        .join(Person, Person.id == Permit.person_id)
        .where(Person.erased_at.is_(None), Permit.host_country == Person.host_country)
    ):  # fmt: skip
        held = best.get(person_id)
        if held is None or (rank[status], -int(family)) < (rank[held[0]], -held[1]):
            best[person_id] = (status, int(family))
    found: Counter[str] = Counter(dict.fromkeys(rank, 0))
    for status, family in best.values():
        found[status] += family
    return found


def _permit(rows: aggregates.Rows, person: tuple[object, ...]) -> str:
    return rows.best_permit.get((person[0], str(person[1])), aggregates.NO_PERMIT)


SOURCES: dict[str, SecureSource] = {
    "persons_by_ethnic_origin": _persons(lambda _rows, p: str(p[5] or "undisclosed")),
    "persons_by_permit_status": _persons(_permit),
    "persons_by_federal_district": _persons(
        lambda _rows, p: codes.REGION_DISTRICT.get(str(p[3] or ""), "unknown")
    ),
    "persons_by_vulnerability": _vulnerabilities,
    "family_members_by_permit_status": _families,
}


def not_plain(secure: frozenset[str]) -> frozenset[str]:
    """The registry's tables not to publish plainly under a charter securing ``secure``."""
    return frozenset(secure) | {t for s in secure for t in COVERED.get(s, ())}
