"""A node's own disclosure floors: the loosest rules it lets a charter set.

A charter (or whoever could forge one) may tighten a node's protection, never loosen it below
what the state that holds the records allows. For each parameter, "looser" is the direction in
which more single contributors become readable:

- ``k`` (persons in a cell): smaller is looser;
- dominance ``(n, k %)``: a cell is hidden when its n largest contributors hold more than k %
  of it, so a smaller n or a larger k % is looser;
- p %: a cell is hidden when the second largest could estimate the largest within p %, so a
  smaller p is looser;
- rounding: no rounding, or a smaller base, is looser.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from concordia.events.charter import DisclosureRules


@dataclass(frozen=True)
class DisclosureFloors:
    """The loosest disclosure rules a node applies (the design's defaults).

    Example::

        DisclosureFloors(k=10).looser(charter.disclosure)   # () when the charter holds them
    """

    k: int = 10
    dominance_n: int = 2
    dominance_k: Decimal = Decimal(85)
    p_percent: Decimal = Decimal(10)
    #: None: the node accepts unrounded counts.
    rounding_base: int | None = 5

    def looser(self, rules: DisclosureRules) -> tuple[str, ...]:
        """The floors ``rules`` break, as reason codes; empty when it holds every one."""
        reasons = []
        if rules.k < self.k:
            reasons.append("k_below_floor")
        if rules.dominance_n < self.dominance_n:
            reasons.append("dominance_n_below_floor")
        if rules.dominance_k > self.dominance_k:
            reasons.append("dominance_k_above_ceiling")
        if rules.p_percent < self.p_percent:
            reasons.append("p_percent_below_floor")
        if self.rounding_base is not None and (
            rules.rounding_base is None or rules.rounding_base < self.rounding_base
        ):
            reasons.append("rounding_below_floor")
        return tuple(reasons)
