"""Which suppressed entries their known bounds pin to a single value, found without an LP.

Changes to the suppressed entries that keep every published entry fixed are circulations in
the table's graph (``Layout.arc``). At the true table, an entry strictly inside its bounds
(``_bounds``; by default ``>= 0``) can move both ways, one at its lower bound only up, one at its
upper bound only down. By conformal decomposition a suppressed entry can move in a direction iff
that direction's arc lies on a directed cycle of this residual graph; it is pinned iff it can
move neither way. This subsumes exact recoverability (a pinned entry may simply sit against its
bounds, e.g. two suppressed counts of 1 that must add up to 2 when zeros are published).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from ._intervals import NON_NEGATIVE, Interval
from ._layout import Layout


def pinned_entries(
    layout: Layout,
    values: Sequence[Fraction],
    suppressed: set[int],
    candidates: set[int],
    bounds: Mapping[int, Interval] | None = None,
) -> set[int]:
    """Return the ``candidates`` whose value the published entries and the ``bounds`` fix.

    ``bounds`` holds each suppressed entry's known range (missing: ``>= 0``); the true
    ``values`` must lie within it.
    """
    # Arcs as (from, to, entry): moving along an arc raises or lowers that entry's value.
    arcs: list[tuple[int, int, int]] = []
    for entry in sorted(suppressed):
        bound = NON_NEGATIVE if bounds is None else bounds.get(entry, NON_NEGATIVE)
        tail, head, sign = layout.arc(entry)
        up = (tail, head) if sign > 0 else (head, tail)
        if bound.upper is None or values[entry] < bound.upper:
            arcs.append((*up, entry))
        if values[entry] > bound.lower:
            arcs.append((up[1], up[0], entry))
    pinned: set[int] = set()
    for entry in sorted(candidates & suppressed):
        others = [(start, end) for start, end, owner in arcs if owner != entry]
        movable = any(
            _reaches(layout.node_count, others, end, start)
            for start, end, owner in arcs
            if owner == entry
        )
        if not movable:
            pinned.add(entry)
    return pinned


def _reaches(node_count: int, arcs: list[tuple[int, int]], source: int, target: int) -> bool:
    """Return True if ``target`` is reachable from ``source`` along ``arcs``."""
    successors: list[list[int]] = [[] for _ in range(node_count)]
    for start, end in arcs:
        successors[start].append(end)
    seen, stack = {source}, [source]
    while stack:
        node = stack.pop()
        if node == target:
            return True
        for following in successors[node]:
            if following not in seen:
                seen.add(following)
                stack.append(following)
    return False
