"""The evaluation's secure tables: each node's cells, for rounds of secure aggregation.

When the charter lists one of these tables as secure (``CharterPublished.secure`` with service
``evaluation``), the node no longer publishes it as a plain snapshot (one channel per table,
see ``concordia.kit.secure``) and gives the coalition's rounds its cells instead: the figures
of the plain tables before any suppression (the coalition-level rules apply to the total).

- ``permits_granted_by_holder``: permits granted in the quarter, by whether the holder is in a
  vulnerable group; ``family_members_covered_by_holder``: the family members those permits
  cover (at most 30 a permit, so the charter's ``sensitivity`` for it is 30);
- ``committed_eur_by_represented_group``: EUR committed in the quarter to organisations
  representing each group, by organisation (a ``MoneySource``: the kit clips each one to the
  charter's ``clip`` and adds the local top-n for the dominance and p % rules);
- ``scores_by_<criterion>``: the items assessed in the period by their score (the median of
  two or more assessments, rounded down), as the plain tables count them.

Not here: ``funding_health`` (shares and an index, which do not add up across nodes), and
funding by strategic goal and by horizon, which are the ledger's figures: secured there
(``committed_eur_by_strategic_goal``, ``committed_eur_by_horizon`` of the ledger), the
evaluation stops publishing its own plain copy too (``COVERED``, ``not_plain``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from statistics import median_low
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from concordia.evaluation import aggregates
from concordia.evaluation.aggregates import (
    FAMILY_TABLE,
    GOAL_TABLE,
    GROUP_TABLE,
    HOLDERS,
    HORIZON_TABLE,
    PERMIT_TABLE,
    SCORES,
)
from concordia.evaluation.schemas import CRITERIA
from concordia.events import CharterPublished, quarter_of
from concordia.kit.secure import CellSource, MoneySource, SecureSource

#: The plain evaluation tables that carry another service's secure table's figures: (service,
#: secure table) -> the evaluation's table, not published beside it.
COVERED: dict[tuple[str, str], str] = {
    ("ledger", "committed_eur_by_strategic_goal"): GOAL_TABLE,
    ("ledger", "committed_eur_by_horizon"): HORIZON_TABLE,
}


def _permits(family: bool) -> CellSource:
    async def cells(session: AsyncSession, period: str) -> Mapping[str, int]:
        rows = await aggregates.gather(session)
        totals = dict.fromkeys(HOLDERS, 0)
        for _permit, vulnerable, members, day in rows.permits:
            if quarter_of(day) == period:
                totals[HOLDERS[0] if vulnerable else HOLDERS[1]] += int(members) if family else 1
        return totals

    return cells


async def _groups(session: AsyncSession, period: str) -> Mapping[str, Mapping[str, Decimal]]:
    rows = await aggregates.gather(session)
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for org_id, represents, eur, day in rows.funding:
        if quarter_of(day) == period:
            for group in represents:
                sums[group][f"organisation:{org_id}"] += eur
    return sums


def _scores(criterion: str) -> CellSource:
    index = CRITERIA.index(criterion)

    async def cells(session: AsyncSession, period: str) -> Mapping[str, int]:
        rows = await aggregates.gather(session)
        items: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for item_type, item_id, _org, assessed, *scores in rows.assessments:
            if assessed == period:
                items[(item_type, item_id)].append(scores[index])
        totals = dict.fromkeys(SCORES, 0)
        for scored in items.values():
            if len(scored) >= 2:  # an item counts once two assessments are in
                totals[str(median_low(scored))] += 1
        return totals

    return cells


SOURCES: dict[str, SecureSource] = {
    PERMIT_TABLE: _permits(family=False),
    FAMILY_TABLE: _permits(family=True),
    GROUP_TABLE: MoneySource(_groups),
    **{f"scores_by_{criterion}": _scores(criterion) for criterion in CRITERIA},
}


def not_plain(charter: CharterPublished) -> frozenset[str]:
    """The evaluation's tables not to publish plainly under ``charter``: its own secure tables
    and those carrying another service's secure figures."""
    secure = {(t.service, t.table) for t in charter.secure}
    own = {table for service, table in secure if service == "evaluation"}
    return frozenset(own | {mine for theirs, mine in COVERED.items() if theirs in secure})
