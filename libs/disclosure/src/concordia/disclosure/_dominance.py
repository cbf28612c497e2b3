"""Sensitivity rules for magnitude (money) cells: (n, k) dominance and the p % rule.

Each contribution is the total of one contributor (a person or an organisation) in the cell;
aggregate per contributor before applying a rule. Contributions are never negative. Comparisons
are done in exact rational arithmetic.

Where the contributions are not known one by one (a coalition total computed by secure
aggregation), ``money_bounds_reason`` applies both rules to upper bounds of the largest
contributions instead (``top_bounds[n - 1]`` at least the sum of the ``n`` largest): it flags
every cell the exact rules flag, and more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


def dominance_bound_sensitive(
    total: Decimal | int, top_n_bound: Decimal | int, *, k: Decimal | int = 85
) -> bool:
    """(n, k) dominance from an upper bound of the ``n`` largest contributions' sum: True if
    that bound exceeds ``k`` % of ``total``. Flags every cell ``dominance_sensitive`` flags."""
    return 100 * Fraction(top_n_bound) > Fraction(k) * Fraction(total)


def p_percent_bound_sensitive(
    total: Decimal | int, top1_bound: Decimal | int, top2_bound: Decimal | int,
    *, p: Decimal | int = 10,
) -> bool:  # fmt: skip
    """The p % rule from upper bounds of the largest contribution (``top1_bound``) and of the
    two largest' sum (``top2_bound``): the remainder is at least ``total - top2_bound`` and the
    largest at most ``top1_bound``, so True if ``total - top2_bound`` is below ``p`` % of
    ``top1_bound``. Flags every cell ``p_percent_sensitive`` flags."""
    if Fraction(total) <= 0:
        return False
    remainder = Fraction(total) - Fraction(top2_bound)
    return 100 * remainder < Fraction(p) * Fraction(top1_bound)


def money_bounds_reason(
    total: Decimal | int, top_bounds: Mapping[int, Decimal | int],
    policy: DisclosurePolicy | None = None, *, contributors: int | None = None,
) -> Reason | None:  # fmt: skip
    """Why a money cell known only by its ``total`` and upper bounds of its largest
    contributions (``top_bounds[n]``: at least the sum of the ``n`` largest) is suppressed under
    ``policy``'s dominance and p % rules, or None. A rule whose bounds are missing flags the
    cell (nothing shows it safe). With ``contributors`` (how many contributed to the cell), a
    cell of fewer than the policy's contributor threshold is suppressed (``threshold``), as
    ``money_cell_reason`` does."""
    policy = policy or DisclosurePolicy()
    if Fraction(total) <= 0:
        return None
    if contributors is not None and contributors < policy.contributor_threshold:
        return Reason.THRESHOLD
    if policy.dominance_n is not None and policy.dominance_k is not None:
        bound = top_bounds.get(policy.dominance_n)
        if bound is None or dominance_bound_sensitive(total, bound, k=policy.dominance_k):
            return Reason.DOMINANCE
    if policy.p_percent is not None:
        top1, top2 = top_bounds.get(1), top_bounds.get(2)
        if top1 is None or top2 is None:
            return Reason.P_PERCENT
        if p_percent_bound_sensitive(total, top1, top2, p=policy.p_percent):
            return Reason.P_PERCENT
    return None
