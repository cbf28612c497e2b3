"""Complementary (secondary) suppression for 1-D and 2-D tables with margins.

The guarantee is *exact non-recoverability*: no suppressed entry is uniquely determined by the
linear system of published cells and margins, checked with exact rational elimination
(``_linear.determined_unknowns``) after every step. The rule "every line with a suppressed entry
holds at least two" is necessary but not sufficient in two dimensions: in the bipartite graph
whose nodes are the grid rows and columns and whose edges are the suppressed entries, an entry
is recoverable exactly when its edge is a bridge, i.e. lies on no cycle. So each recoverable
entry is covered by the cheapest alternative path between its row and column (Dijkstra over the
complete bipartite grid, suppressed entries free), which closes a cycle through it.

Cost of suppressing a published entry, compared lexicographically: zero cells last (a suppressed
zero hides nothing, it only makes its partner's upper bound exact), then the smallest value, then
interior cells before margins, then fewer cells; ties go to the lower entry index, i.e. the
earlier level. The caller may also rule entries out altogether (``eligible``): ``protect_counts``
never picks a zero count, so that when zeros are published every hidden count really is at
least 1, as an attacker will assume. Known bounds can still narrow a suppressed value to an
interval, even to one point (two suppressed cells that must add up to zero, or two counts of 1
that must add up to 2); the caller's ``widen`` check handles that: ``protect_*`` never leaves a
suppressed entry pinned (``_pinning``) and, if the policy sets ``protection_width``, demands
that much room for primary suppressions (exact LPs, ``_intervals``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction

from ._layout import Layout
from ._linear import determined_unknowns

#: (zero cells, total value, margin cells, cells): the price of suppressing entries.
Cost = tuple[int, Fraction, int, int]
_FREE: Cost = (0, Fraction(0), 0, 0)


def entry_cost(layout: Layout, values: Sequence[Fraction], entry: int) -> Cost:
    """Return the price of suppressing one published entry."""
    value = values[entry]
    return (int(value == 0), value, int(layout.is_margin(entry)), 1)


def recoverable(layout: Layout, suppressed: set[int]) -> set[int]:
    """Return the suppressed entries that the published entries determine exactly."""
    return determined_unknowns(layout.equations(), suppressed)


def complete_suppression(
    layout: Layout,
    values: Sequence[Fraction],
    primary: set[int],
    *,
    widen: Callable[[set[int]], set[int]] | None = None,
    eligible: Iterable[int] | None = None,
) -> set[int]:
    """Add complementary suppressions until no suppressed entry is recoverable.

    ``widen``, if given, is asked after each exact fixed point for entries whose feasible interval
    is too narrow; the cheapest published entry sharing a line with one of them is suppressed and
    the loop repeats. Only ``eligible`` entries (default: all) are ever added. The loop ends: each
    round adds an entry, and with every eligible entry suppressed, if the checks still fail,
    ``ValueError`` says that the table cannot be protected (see ``protect_counts``).
    """
    suppressed = set(primary)
    allowed = set(range(layout.size)) if eligible is None else set(eligible)
    while True:
        exposed = recoverable(layout, suppressed)
        if exposed:
            added = _cover(layout, values, suppressed, min(exposed), allowed)
        elif widen is not None and (narrow := widen(suppressed)):
            added = _widen(layout, values, suppressed, min(narrow), allowed)
        else:
            return suppressed
        if not added:
            added = _cheapest(layout, values, allowed - suppressed)
        if not added:
            raise ValueError(
                "no complementary suppression can protect this table: suppressed entries stay "
                "recoverable or pinned to one value with every eligible entry suppressed"
            )
        suppressed |= added


def _cheapest(layout: Layout, values: Sequence[Fraction], candidates: set[int]) -> set[int]:
    if not candidates:
        return set()
    return {min(candidates, key=lambda entry: (entry_cost(layout, values, entry), entry))}


def _widen(
    layout: Layout, values: Sequence[Fraction], suppressed: set[int], target: int, allowed: set[int]
) -> set[int]:
    neighbours = {entry for line in layout.lines() if target in line for entry in line}
    return _cheapest(layout, values, (neighbours & allowed) - suppressed)


def _cover(
    layout: Layout, values: Sequence[Fraction], suppressed: set[int], target: int, allowed: set[int]
) -> set[int]:
    """Return published entries whose suppression puts ``target`` on a cycle (2-D) or pairs it."""
    if len(layout.shape) == 1:
        return _cheapest(layout, values, allowed - suppressed)
    rows, columns = layout.shape[0] + 1, layout.width
    # Nodes 0..rows-1 are grid rows, rows..rows+columns-1 grid columns; entry (r, c) is an edge.
    source, sink = divmod(target, columns)
    sink += rows
    node_count = rows + columns
    distance: dict[int, Cost] = {source: _FREE}
    previous: dict[int, tuple[int, int]] = {}
    done: set[int] = set()
    while sink not in done:
        open_nodes = [node for node in distance if node not in done]
        if not open_nodes:
            return set()
        node = min(open_nodes, key=lambda candidate: (distance[candidate], candidate))
        done.add(node)
        neighbours = range(rows, node_count) if node < rows else range(rows)
        for other in neighbours:
            if other in done:
                continue
            row, column = (node, other - rows) if node < rows else (other, node - rows)
            entry = row * columns + column
            if entry == target or (entry not in suppressed and entry not in allowed):
                continue
            step = _FREE if entry in suppressed else entry_cost(layout, values, entry)
            cost = _add(distance[node], step)
            if other not in distance or cost < distance[other]:
                distance[other] = cost
                previous[other] = (node, entry)
    added: set[int] = set()
    node = sink
    while node != source:
        node, entry = previous[node]
        if entry not in suppressed:
            added.add(entry)
    return added


def _add(left: Cost, right: Cost) -> Cost:
    return (left[0] + right[0], left[1] + right[1], left[2] + right[2], left[3] + right[3])
