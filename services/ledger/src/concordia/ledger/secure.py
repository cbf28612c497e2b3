"""The ledger's secure tables: each node's cells, for rounds of secure aggregation.

When the charter lists a table as secure (``CharterPublished.secure``), the ledger no longer
publishes it per node (one channel per table, see ``concordia.kit.secure``) and gives the
coalition's rounds its cells instead: the same figures as the plain tables, before any
suppression or rounding (the coalition-level rules apply to the total at the hub).

- ``participants_by_gender`` and ``participants_by_ethnic_origin``: participants of the
  activities that began in the quarter. The ledger holds counts per activity, not persons, so a
  person at two events counts twice; the charter's ``sensitivity`` must cover that.
- ``participants_by_women_share_band``: the same participants by where their own activity's
  women share lies against the charter's band (``inside``, ``below_floor``, ``above_ceiling``,
  ``no_data``): compliance judged per event and programme, not pooled (a ``ChartedSource``:
  the band is the charter's in force).
- ``<measure>_eur_by_<dimension>`` (purpose, horizon, strategic goal): EUR committed or
  disbursed in the quarter by recipient (an organisation or a person); the kit clips each
  recipient to the charter's ``clip`` and gives each cell's total in whole euros and the sum
  of its ``n`` largest recipients' amounts at this node (``<cell>~top<n>``, n 1 to 5): summed
  under the masks, they bound the coalition's top n, for the hub's dominance and p % rules
  (``concordia.kit.secure.money_cells``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from concordia.events import CharterPublished, quarter_of
from concordia.kit.secure import CellSource, ChartedSource, MoneySource, SecureSource
from concordia.ledger import aggregates, codes
from concordia.ledger.aggregates import BAND_LEVELS, BAND_TABLE, GENDER_LEVELS, ORIGIN_LEVELS
from concordia.secagg import Refused

_GENDER = slice(0, 4)
_ORIGIN = slice(4, 7)


def _participants(levels: tuple[str, ...], part: slice) -> CellSource:
    async def cells(session: AsyncSession, period: str) -> Mapping[str, int]:
        rows = await aggregates.gather(session)
        totals: dict[str, int] = dict.fromkeys(levels, 0)
        for _activity, start, *counts in rows.activities:
            if quarter_of(start) != period:
                continue
            for level, n in zip(levels, counts[part], strict=True):
                totals[level] += int(n or 0)
        return totals

    return cells


def _funding(measure: str, dimension: str) -> MoneySource:
    types = aggregates.MEASURES[measure][1]

    async def amounts(session: AsyncSession, period: str) -> Mapping[str, Mapping[str, Decimal]]:
        rows = await aggregates.gather(session)
        # label -> recipient -> EUR (a recipient: an organisation or a person, as in the plain
        # tables' dominance rule).
        sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for row in rows.funding:
            _, org, person, purpose, horizon, goals, donor_type = row[:7]
            tx_type, amount, currency, value_date = row[7:]
            if tx_type not in types or quarter_of(value_date) != period:
                continue
            eur = aggregates._to_eur(rows.rates, amount, currency, value_date)
            if eur is None:
                continue
            who = aggregates._contributor(org, person)
            if dimension == "strategic_goal":
                ordered = sorted(goals, key=codes.GOALS.index)
                for goal, share in zip(ordered, aggregates._split(eur, len(ordered)), strict=True):
                    sums[goal][who] += share
            else:
                labels = {"purpose": purpose, "horizon": horizon, "donor_type": donor_type}
                sums[labels[dimension]][who] += eur
        return sums

    return MoneySource(amounts)


async def _band(session: AsyncSession, period: str, charter: CharterPublished) -> Mapping[str, int]:
    """Participants of the quarter's activities by where *their own activity's* women share lies
    against the charter's band: each event and programme judged on its own (a pooled share
    hides all-male panels), as the plain ``participants_by_women_share_band``."""
    band = aggregates.Band.of(charter)
    if band is None:
        raise Refused("charter_mismatch", "the charter sets no women band to judge against")
    rows = await aggregates.gather(session)
    totals: dict[str, int] = dict.fromkeys(BAND_LEVELS, 0)
    for _activity, start, *counts in rows.activities:
        if quarter_of(start) != period:
            continue
        women, men, other, undisclosed = (int(n or 0) for n in counts[_GENDER])
        totals[band.level(women, women + men + other)] += women + men + other + undisclosed
    return totals


#: Every table the ledger can compute securely, by its aggregate name.
SOURCES: dict[str, SecureSource] = {
    "participants_by_gender": _participants(GENDER_LEVELS, _GENDER),
    "participants_by_ethnic_origin": _participants(ORIGIN_LEVELS, _ORIGIN),
    BAND_TABLE: ChartedSource(_band),
    **{
        f"{measure}_eur_by_{dimension}": _funding(measure, dimension)
        for measure in aggregates.MEASURES
        for dimension in ("purpose", "horizon", "strategic_goal")
    },
}
