"""Statistical disclosure control for aggregates that leave a node: pure functions, no I/O.

Example::

    from concordia.disclosure import CountTable, DisclosurePolicy, protect_counts

    table = CountTable(("country", "status"), {("SE", "granted"): 12, ("SE", "refused"): 3})
    protected = protect_counts(table, DisclosurePolicy(k=10, rounding_base=5))
    payload = protected.as_dict()

Guarantees, within one table: no suppressed cell or margin is uniquely determined by the
published cells and margins (exact rational linear algebra), and none is pinned to a single
value once an attacker also uses what the policy tells of its range: nothing is negative; a
hidden count is at least 1 when zeros are published (so zero counts are never hidden as
complementary suppressions); and, only if ``DisclosurePolicy.reasons_published`` says reasons
leave the node, a ``threshold`` count is below ``k`` and a ``complementary`` one is not. Keep
reasons at home: they leak those bounds. The bounds may still narrow a suppressed value;
``DisclosurePolicy.protection_width`` enforces a minimum feasible interval for primary
suppressions, and ``suppression_intervals`` audits a published table. Links between different
tables or releases are outside a single call's reach.
"""

from __future__ import annotations

from ._dominance import (
    dominance_bound_sensitive,
    dominance_sensitive,
    money_bounds_reason,
    money_cell_reason,
    p_percent_bound_sensitive,
    p_percent_sensitive,
)
from ._intervals import Interval
from ._policy import DEFAULT_POLICY, DisclosurePolicy, Reason
from ._protect import (
    find_recoverable,
    protect_counts,
    protect_sums,
    suppression_intervals,
)
from ._protected import ProtectedCell, ProtectedTable
from ._release import (
    PublishedCell,
    Release,
    changed_contributors,
    normalise_contributions,
    releasable,
)
from ._rounding import round_to_base
from ._tables import CellKey, Contributions, CountTable, Key, SumTable
from ._threshold import below_threshold

__all__ = [
    "DEFAULT_POLICY",
    "CellKey",
    "Contributions",
    "CountTable",
    "DisclosurePolicy",
    "Interval",
    "Key",
    "ProtectedCell",
    "ProtectedTable",
    "PublishedCell",
    "Reason",
    "Release",
    "SumTable",
    "below_threshold",
    "changed_contributors",
    "dominance_bound_sensitive",
    "dominance_sensitive",
    "find_recoverable",
    "money_bounds_reason",
    "money_cell_reason",
    "normalise_contributions",
    "p_percent_bound_sensitive",
    "p_percent_sensitive",
    "protect_counts",
    "protect_sums",
    "releasable",
    "round_to_base",
    "suppression_intervals",
]
