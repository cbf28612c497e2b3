"""The table-level API: primary rules, complementary suppression, rounding, audits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from itertools import product
from typing import Any, Literal

from ._bounds import attacker_bounds
from ._complementary import complete_suppression, recoverable
from ._dominance import money_cell_reason
from ._intervals import Interval, feasible_intervals
from ._layout import Layout
from ._pinning import pinned_entries
from ._policy import DEFAULT_POLICY, DisclosurePolicy, Reason
from ._protected import ProtectedCell, ProtectedTable, V
from ._rounding import round_to_base
from ._tables import CountTable, Key, Levels, SumTable
from ._threshold import below_threshold


def protect_counts(
    table: CountTable, policy: DisclosurePolicy | None = None
) -> ProtectedTable[int]:
    """Apply threshold, complementary suppression and rounding to a count table.

    No suppressed cell or margin is recoverable or pinned to one value, given what an attacker
    knows of it beforehand (``DisclosurePolicy``: at least 1 when zeros are published, and the
    reason's bounds if reasons are published); zero counts are never complementary suppressions.
    Raises ``ValueError`` if no suppression pattern can achieve that, which only happens with
    ``reasons_published=True``.
    """
    policy = policy or DEFAULT_POLICY
    layout = _layout(table.levels)
    values = [0] * layout.size
    for cell in product(*(range(len(labels)) for labels in table.levels)):
        count = table.count(tuple(table.levels[axis][i] for axis, i in enumerate(cell)))
        for entry in _entries_covering(layout, cell):
            values[entry] += count
    reasons: dict[int, Reason] = {
        entry: Reason.THRESHOLD
        for entry, count in enumerate(values)
        if below_threshold(count, k=policy.k, zeros_disclosive=policy.zeros_disclosive)
    }
    suppressed = _suppress(
        layout, [Fraction(value) for value in values], reasons, policy, counts=True
    )
    base = policy.rounding_base
    published: list[int | None] = [
        None if entry in suppressed else round_to_base(value, base) if base else value
        for entry, value in enumerate(values)
    ]
    return _build(table, layout, published, suppressed, reasons, policy, base, "counts")


def protect_sums(
    table: SumTable, policy: DisclosurePolicy | None = None
) -> ProtectedTable[Decimal]:
    """Apply contributor threshold, dominance, p % and complementary suppression to money sums."""
    policy = policy or DEFAULT_POLICY
    layout = _layout(table.levels)
    by_contributor: list[dict[object, Decimal]] = [{} for _ in range(layout.size)]
    for cell in product(*(range(len(labels)) for labels in table.levels)):
        key = tuple(table.levels[axis][i] for axis, i in enumerate(cell))
        contributions = table.cell(key)
        named: Mapping[object, Decimal] = (
            {("named", name): amount for name, amount in contributions.items()}
            if isinstance(contributions, Mapping)
            else {("anonymous", key, i): amount for i, amount in enumerate(contributions)}
        )
        for entry in _entries_covering(layout, cell):
            totals = by_contributor[entry]
            for contributor, amount in named.items():
                totals[contributor] = totals.get(contributor, Decimal(0)) + amount
    reasons: dict[int, Reason] = {}
    for entry, totals in enumerate(by_contributor):
        reason = money_cell_reason(totals.values(), policy)
        if reason is not None:
            reasons[entry] = reason
    values = [sum(totals.values(), Decimal(0)) for totals in by_contributor]
    suppressed = _suppress(
        layout, [Fraction(value) for value in values], reasons, policy, counts=False
    )
    published: list[Decimal | None] = [
        None if entry in suppressed else value for entry, value in enumerate(values)
    ]
    return _build(table, layout, published, suppressed, reasons, policy, None, "sums")


def find_recoverable(table: ProtectedTable[Any]) -> tuple[Key, ...]:
    """Return the keys of suppressed entries that published cells and margins determine exactly."""
    layout, cells = _audit_view(table)
    exposed = recoverable(layout, {entry for entry, cell in enumerate(cells) if cell.suppressed})
    return tuple(cells[entry].key for entry in sorted(exposed))


def suppression_intervals(
    table: ProtectedTable[Any], *, reasons_published: bool | None = None
) -> dict[Key, Interval]:
    """Return each suppressed entry's feasible interval as an attacker computes it.

    The attacker knows the published entries, the table's equations and each hidden entry's
    range beforehand: ``>= 0``; for counts (``table.kind``) ``>= 1`` when the policy publishes
    zeros, and, if reasons are published, ``<= k - 1`` for ``threshold`` and ``>= k`` for
    ``complementary`` entries. ``reasons_published`` defaults to ``table.policy``'s; pass True to
    see what the reasons would give away. Raises ``ValueError`` for rounded tables, and if the
    published entries admit no table within those ranges (e.g. a hand-made table hiding a zero
    count while its policy publishes zeros).
    """
    if table.rounding_base not in (None, 1):
        raise ValueError("rounded values are not exact; intervals need an unrounded table")
    layout, cells = _audit_view(table)
    values = [Fraction(0) if cell.value is None else Fraction(cell.value) for cell in cells]
    reasons = {entry: cell.reason for entry, cell in enumerate(cells) if cell.reason is not None}
    bounds = attacker_bounds(
        table.policy,
        reasons,
        reasons,
        counts=table.kind == "counts",
        reasons_published=(
            table.policy.reasons_published if reasons_published is None else reasons_published
        ),
    )
    intervals = feasible_intervals(layout.equations(), values, reasons, bounds)
    return {cells[entry].key: interval for entry, interval in intervals.items()}


def _layout(levels: Levels) -> Layout:
    return Layout(tuple(len(labels) for labels in levels))


def _entries_covering(layout: Layout, cell: tuple[int, ...]) -> list[int]:
    """Return the entries a cell adds to: itself and every margin over it."""
    options: list[tuple[int | None, ...]] = [(index, None) for index in cell]
    return [layout.entry(coordinates) for coordinates in product(*options)]


def _suppress(
    layout: Layout,
    values: Sequence[Fraction],
    reasons: Mapping[int, Reason],
    policy: DisclosurePolicy,
    *,
    counts: bool,
) -> set[int]:
    """Return primary plus complementary suppressions, exact and interval checks satisfied."""
    required = None if policy.protection_width is None else Fraction(policy.protection_width)
    equations = layout.equations()

    def too_narrow(suppressed: set[int]) -> set[int]:
        bounds = attacker_bounds(
            policy, suppressed, reasons, counts=counts, reasons_published=policy.reasons_published
        )
        # If no suppressed value sits on one of its bounds, the true table is an interior point
        # of the attacker's polytope: nothing the exact check passed can be pinned.
        narrow: set[int] = set()
        if any(values[entry] in (bound.lower, bound.upper) for entry, bound in bounds.items()):
            narrow = pinned_entries(layout, values, suppressed, suppressed, bounds)
        if required is not None and not narrow:
            intervals = feasible_intervals(equations, values, suppressed, bounds)
            narrow = {entry for entry in reasons if not intervals[entry].at_least(required)}
        return narrow

    # A suppressed zero count would break the ">= 1 when zeros are published" bound (and, with
    # reasons published, ">= k" for complementary entries); zero counts that must be hidden are
    # primary already, so complementary suppression leaves zero counts alone.
    eligible = [entry for entry, value in enumerate(values) if value or not counts]
    try:
        return complete_suppression(
            layout, values, set(reasons), widen=too_narrow, eligible=eligible
        )
    except ValueError as error:
        if policy.reasons_published:  # the only way here: the reasons bound the hidden counts
            raise ValueError(f"{error}; publishing the reasons would disclose them") from error
        raise


def _build(
    table: CountTable | SumTable,
    layout: Layout,
    published: Sequence[V | None],
    suppressed: set[int],
    reasons: Mapping[int, Reason],
    policy: DisclosurePolicy,
    rounding_base: int | None,
    kind: Literal["counts", "sums"],
) -> ProtectedTable[V]:
    cells: list[ProtectedCell[V]] = []
    margins: list[ProtectedCell[V]] = []
    for entry in _publication_order(layout):
        coordinates = layout.coordinates(entry)
        key = tuple(
            None if index is None else table.levels[axis][index]
            for axis, index in enumerate(coordinates)
        )
        reason = reasons.get(entry, Reason.COMPLEMENTARY) if entry in suppressed else None
        cell = ProtectedCell(key, published[entry], reason)
        (margins if layout.is_margin(entry) else cells).append(cell)
    return ProtectedTable(
        table.dimensions, table.levels, tuple(cells), tuple(margins), policy, rounding_base, kind
    )


def _publication_order(layout: Layout) -> list[int]:
    """Interior cells row-major, then row totals, column totals and the grand total."""
    if len(layout.shape) == 1:
        return list(range(layout.size))
    rows, columns = layout.shape
    interior = [layout.entry((row, column)) for row in range(rows) for column in range(columns)]
    row_totals = [layout.entry((row, None)) for row in range(rows)]
    column_totals = [layout.entry((None, column)) for column in range(columns)]
    return interior + row_totals + column_totals + [layout.entry((None, None))]


def _audit_view(table: ProtectedTable[Any]) -> tuple[Layout, list[ProtectedCell[Any]]]:
    """Return the table's layout and its cells in entry order."""
    layout = _layout(table.levels)
    cells = []
    for entry in range(layout.size):
        key = tuple(
            None if index is None else table.levels[axis][index]
            for axis, index in enumerate(layout.coordinates(entry))
        )
        cells.append(table[key])
    return layout, cells
