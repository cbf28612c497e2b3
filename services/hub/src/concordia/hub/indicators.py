"""Coalition totals from the protected cells of every node, and the charter's targets on them.

A total adds only what nodes published. When a node's cell is suppressed (or its table has no
such cell) the total says so (``incomplete``, and which nodes) and never estimates the hidden
part; a share built on an incomplete total is unknown, not approximated.

A target is judged on pooled shares (``judged: pooled``) and, where nodes publish the table
for it, per activity (``judged: per_activity``): the hub holds aggregates, never one event's
participants, so each node's ledger places every event and programme against the band itself
and publishes the participants by that place (``participants_by_<indicator>_band``: inside,
below the floor, above the ceiling, no data). The target is met per activity when no
participant was at an activity outside the band; its share is the share of participants who
were at one inside it. A pooled share of 50 % can hide all-male panels; this cannot.

A table the charter lists as secure comes from its secure release instead (``secure``: the
coalition total the nodes computed together, complete where a cell had at least 3 contributing
nodes and passed the coalition-level rules); its plain per-node snapshots, if any were sent
before the charter listed it, are left out (one channel per table).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from concordia.events import AggregateSnapshotPublished, CharterPublished, Target
from concordia.events.aggregates import ALL, Cell
from concordia.hub.schemas import AggregateTotal, CellTotal, CoalitionIndicators, TargetResult

_SHARE = Decimal("0.0001")
#: Levels that say the person did not disclose the dimension: left out of a share's whole.
_UNDISCLOSED = frozenset({"undisclosed"})


def _totals(by_node: dict[str, Sequence[Cell]]) -> list[CellTotal]:
    keys: dict[tuple[str, ...], None] = {}
    for cells in by_node.values():
        keys.update((c.key, None) for c in cells)
    indexed = {node: {c.key: c for c in cells} for node, cells in by_node.items()}
    out = []
    for key in keys:
        value, amount, suppressed, missing = 0, Decimal(0), [], []
        counts = money = False
        for node in sorted(indexed):
            cell = indexed[node].get(key)
            if cell is None:
                missing.append(node)
            elif cell.suppressed:
                suppressed.append(node)
            elif cell.amount is not None:
                amount, money = amount + cell.amount, True
            else:
                value, counts = value + (cell.value or 0), True
        out.append(
            CellTotal(
                key=list(key),
                value=value if counts else None,  # nothing published: no number at all
                amount=amount if money else None,
                incomplete=bool(suppressed or missing),
                suppressed_nodes=suppressed,
                missing_nodes=missing,
            )
        )
    return out


def aggregate_totals(snapshots: Iterable[AggregateSnapshotPublished]) -> list[AggregateTotal]:
    """Sum each aggregate over the nodes that published it (one snapshot per node given)."""
    groups: dict[tuple[str, str, str, tuple[str, ...]], list[AggregateSnapshotPublished]]
    groups = defaultdict(list)
    for snap in snapshots:
        groups[(snap.service, snap.aggregate, snap.measure, snap.dimensions)].append(snap)
    return [
        AggregateTotal(
            service=service,
            aggregate=aggregate,
            measure=measure,
            dimensions=list(dimensions),
            nodes=sorted(s.node for s in snaps),
            versions={s.node: s.version for s in snaps},
            cells=_totals({s.node: s.cells for s in snaps}),
            margins=_totals({s.node: s.margins for s in snaps}),
        )
        for (service, aggregate, measure, dimensions), snaps in sorted(groups.items())
    ]


def _one_way(total: AggregateTotal, position: int) -> list[CellTotal]:
    """The totals by the levels of one dimension: interior cells, or the matching margins."""
    cells = total.cells if len(total.dimensions) == 1 else total.margins
    return [
        c
        for c in cells
        if c.key[position] != ALL
        and all(part == ALL for i, part in enumerate(c.key) if i != position)
    ]


def _target(target: Target, total: AggregateTotal) -> TargetResult | None:
    if target.dimension not in total.dimensions:
        return None
    position = total.dimensions.index(target.dimension)
    levels = _one_way(total, position)
    if not levels or any(c.amount is not None for c in levels):
        return None
    # A share of those who disclosed the dimension (as the evaluation's, per activity): people
    # who did not say are no evidence either way, so they neither dilute the share nor, hidden,
    # make it unknown.
    levels = [c for c in levels if c.key[position] not in _UNDISCLOSED]
    incomplete = any(c.incomplete for c in levels)
    hidden = sorted({n for c in levels for n in (*c.suppressed_nodes, *c.missing_nodes)})
    part = sum(c.value or 0 for c in levels if c.key[position] in target.levels)
    whole = sum(c.value or 0 for c in levels)
    share = None if incomplete or whole == 0 else (Decimal(part) / whole).quantize(_SHARE)
    met = aim = None
    if share is not None:
        # Met: inside the band, floor <= share (<= ceiling where there is one). A target
        # without a ceiling ("at least 15-20 %") is never missed by having more.
        met = (target.min_share is None or share >= target.min_share) and (
            target.max_share is None or share <= target.max_share
        )
        aim = None if target.aim_share is None else share >= target.aim_share
    return TargetResult(
        indicator=target.indicator, service=total.service, aggregate=total.aggregate,
        dimension=target.dimension, share=share, min_share=target.min_share,
        aim_share=target.aim_share, max_share=target.max_share, met=met, aim_reached=aim,
        incomplete=incomplete, suppressed_nodes=hidden,
    )  # fmt: skip


_INSIDE, _OUTSIDE = "inside", ("below_floor", "above_ceiling")


def _per_activity(target: Target, total: AggregateTotal) -> TargetResult | None:
    """The target judged on each activity, from a ``<indicator>_band`` table."""
    if total.dimensions != [f"{target.indicator}_band"]:
        return None
    levels = {c.key[0]: c for c in _one_way(total, 0) if c.key[0] in (_INSIDE, *_OUTSIDE)}
    if not levels or any(c.amount is not None for c in levels.values()):
        return None
    incomplete = len(levels) < 1 + len(_OUTSIDE) or any(c.incomplete for c in levels.values())
    hidden = sorted({n for c in levels.values() for n in (*c.suppressed_nodes, *c.missing_nodes)})
    inside = levels[_INSIDE].value if _INSIDE in levels else None
    judged = sum(c.value or 0 for c in levels.values())
    share = None if incomplete or not judged else (Decimal(inside or 0) / judged).quantize(_SHARE)
    return TargetResult(
        indicator=target.indicator, service=total.service, aggregate=total.aggregate,
        dimension=total.dimensions[0], share=share, min_share=target.min_share,
        aim_share=target.aim_share, max_share=target.max_share,
        met=None if share is None else share == 1, aim_reached=None, judged="per_activity",
        incomplete=incomplete, suppressed_nodes=hidden,
    )  # fmt: skip


def coalition(
    period: str,
    snapshots: Iterable[AggregateSnapshotPublished],
    charter: CharterPublished,
    secure: Sequence[AggregateTotal] = (),
) -> CoalitionIndicators:
    """Totals of ``period`` and every charter target measured on every aggregate that has it:
    pooled on the target's dimension, and per activity on its band table. ``secure``: the
    totals of the period's secure releases (``concordia.hub.secure.totals``)."""
    channel = {(t.service, t.table) for t in charter.secure}
    plain = [s for s in snapshots if (s.service, s.aggregate) not in channel]
    totals = sorted(
        [*aggregate_totals(plain), *(t for t in secure if (t.service, t.aggregate) in channel)],
        key=lambda t: (t.service, t.aggregate),
    )
    targets = [
        result
        for target in charter.targets
        for total in totals
        for judge in (_target, _per_activity)
        if (result := judge(target, total)) is not None
    ]
    return CoalitionIndicators(
        period=period, charter_version=charter.version, aggregates=totals, targets=targets
    )
