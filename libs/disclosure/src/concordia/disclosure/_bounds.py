"""What an attacker knows about a suppressed entry's value before using the table's equations.

The policy travels with the table (``k``, ``zeros_disclosive``), so an attacker knows:

* money sums: nothing beyond ``>= 0``. A sum hidden because of few contributors, dominance or the
  p % rule can still be any non-negative amount, and ``> 0`` is an open bound that never pins.
* counts, zeros disclosive: ``>= 0``.
* counts, zeros published: ``>= 1``. Every zero entry is either published as 0 or, if a policy
  says zeros disclose, suppressed as a primary; complementary suppression never picks a zero
  entry (``protect_counts`` excludes them), so whatever is hidden is a whole number above 0.
* counts with reasons published (``DisclosurePolicy.reasons_published``): a ``threshold`` entry is
  below ``k`` (``<= k - 1``); a ``complementary`` entry is not (``>= k``: it was no primary, and it
  is not a zero).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from ._intervals import NON_NEGATIVE, Interval
from ._policy import DisclosurePolicy, Reason


def attacker_bounds(
    policy: DisclosurePolicy,
    suppressed: Iterable[int],
    reasons: Mapping[int, Reason],
    *,
    counts: bool,
    reasons_published: bool,
) -> dict[int, Interval]:
    """Return each suppressed entry's known range; one missing from ``reasons`` is complementary."""
    entries = sorted(set(suppressed))
    if not counts:
        return dict.fromkeys(entries, NON_NEGATIVE)
    floor = Fraction(0 if policy.zeros_disclosive else 1)
    bounds: dict[int, Interval] = {}
    for entry in entries:
        reason = reasons.get(entry, Reason.COMPLEMENTARY)
        if reasons_published and reason is Reason.THRESHOLD:
            bounds[entry] = Interval(floor, Fraction(policy.k - 1))
        elif reasons_published and reason is Reason.COMPLEMENTARY:
            bounds[entry] = Interval(max(floor, Fraction(policy.k)), None)
        else:
            bounds[entry] = Interval(floor, None)
    return bounds
