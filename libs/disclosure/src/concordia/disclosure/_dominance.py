"""Sensitivity rules for magnitude (money) cells: (n, k) dominance and the p % rule.

Each contribution is the total of one contributor (a person or an organisation) in the cell;
aggregate per contributor before applying a rule. Contributions are never negative. Comparisons
are done in exact rational arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from ._policy import DisclosurePolicy, Reason


def _sorted_desc(contributions: Iterable[Decimal]) -> list[Fraction]:
    values = [Fraction(value) for value in contributions]
    if any(value < 0 for value in values):
        raise ValueError("contributions are never negative")
    return sorted(values, reverse=True)


def dominance_sensitive(
    contributions: Iterable[Decimal], *, n: int = 2, k: Decimal | int = 85
) -> bool:
    """Return True if the largest ``n`` contributions make up more than ``k`` % of the total."""
    if n < 1:
        raise ValueError("n must be at least 1")
    values = _sorted_desc(contributions)
    total = sum(values, Fraction(0))
    return 100 * sum(values[:n], Fraction(0)) > Fraction(k) * total


def p_percent_sensitive(contributions: Iterable[Decimal], *, p: Decimal | int = 10) -> bool:
    """Return True if total minus the two largest contributions is below ``p`` % of the largest."""
    values = _sorted_desc(contributions)
    if not values:
        return False
    remainder = sum(values[2:], Fraction(0))
    return 100 * remainder < Fraction(p) * values[0]


def money_cell_reason(
    contributions: Iterable[Decimal], policy: DisclosurePolicy | None = None
) -> Reason | None:
    """Return why a money cell is primarily suppressed under ``policy``, or None if it is safe."""
    policy = policy or DisclosurePolicy()
    values = list(contributions)
    if not values:
        return Reason.THRESHOLD if policy.zeros_disclosive else None
    if len(values) < policy.contributor_threshold:
        return Reason.THRESHOLD
    if (
        policy.dominance_n is not None
        and policy.dominance_k is not None
        and dominance_sensitive(values, n=policy.dominance_n, k=policy.dominance_k)
    ):
        return Reason.DOMINANCE
    if policy.p_percent is not None and p_percent_sensitive(values, p=policy.p_percent):
        return Reason.P_PERCENT
    return None
