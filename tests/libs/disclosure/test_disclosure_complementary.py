"""Complementary suppression on hand-checked tables, and the recoverability audit."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from concordia.disclosure import (
    CountTable,
    DisclosurePolicy,
    Interval,
    ProtectedCell,
    ProtectedTable,
    Reason,
    SumTable,
    find_recoverable,
    protect_counts,
    protect_sums,
    suppression_intervals,
)


def grid(rows: list[list[int]]) -> CountTable:
    return CountTable(
        ("row", "column"),
        {(f"r{i}", f"c{j}"): value for i, row in enumerate(rows) for j, value in enumerate(row)},
    )


def reasons(protected: ProtectedTable[int]) -> dict[tuple[str | None, ...], str]:
    return {cell.key: cell.reason.value for cell in protected if cell.reason is not None}


def test_one_way_single_primary_gets_smallest_partner() -> None:
    protected = protect_counts(CountTable.one_way("x", {"a": 3, "b": 40, "c": 12, "d": 20}))
    assert reasons(protected) == {("a",): "threshold", ("c",): "complementary"}
    assert protected.total.value == 75
    assert find_recoverable(protected) == ()


def test_one_way_two_primaries_protect_each_other() -> None:
    protected = protect_counts(CountTable.one_way("x", {"a": 3, "b": 4, "c": 30}))
    assert reasons(protected) == {("a",): "threshold", ("b",): "threshold"}


def test_one_way_ties_go_to_the_earlier_level() -> None:
    protected = protect_counts(CountTable.one_way("x", {"a": 3, "c": 12, "b": 12}))
    assert reasons(protected) == {("a",): "threshold", ("b",): "complementary"}


def test_one_way_published_zero_is_never_a_partner() -> None:
    protected = protect_counts(CountTable.one_way("x", {"a": 3, "b": 0, "c": 12}))
    assert reasons(protected) == {("a",): "threshold", ("c",): "complementary"}
    # Even when nothing else is left: a hidden zero would break "every hidden count is >= 1".
    lone = protect_counts(CountTable.one_way("x", {"a": 30, "b": 0, "c": 0}), DisclosurePolicy())
    assert reasons(lone) == {}


def test_one_way_total_when_nothing_else_is_left() -> None:
    table = CountTable.one_way("x", {"a": 3, "b": 0}, levels=["a", "b"])
    # The total (3) is below k as well; zero b stays published.
    assert reasons(protect_counts(table)) == {("a",): "threshold", (None,): "threshold"}
    big = CountTable.one_way("x", {"a": 30, "b": 0})
    assert reasons(protect_counts(big, DisclosurePolicy(zeros_disclosive=True))) == {
        ("b",): "threshold",
        ("a",): "complementary",
    }


def test_two_way_single_primary_closes_the_cheapest_rectangle() -> None:
    protected = protect_counts(grid([[3, 20, 30], [15, 40, 50], [25, 60, 11]]))
    # Cheapest cycle through (r0, c0): r0-c1 (20) + r1-c1? no: (r1,c0)=15, (r1,c1)=40 -> 75;
    # (r2,c0)=25 + (r2,c2)=11 + (r0,c2)=30 -> 66; (r1,c0)+(r1,c2)+(r0,c2) = 95; ... 66 wins.
    assert reasons(protected) == {
        ("r0", "c0"): "threshold",
        ("r0", "c2"): "complementary",
        ("r2", "c0"): "complementary",
        ("r2", "c2"): "complementary",
    }
    assert find_recoverable(protected) == ()
    assert protected[("r0", None)].value == 53
    assert protected[(None, None)].value == 254


def test_two_way_line_rule_alone_is_not_enough() -> None:
    # Two suppressed rectangles joined by the single cell (r1, c2): every row and column with a
    # suppression holds at least two, yet (r1, c2) = 72 - 50 - (27 - 11) = 6 is recoverable.
    table = grid([[3, 4, 50, 60], [5, 2, 6, 70], [80, 90, 7, 8], [55, 65, 9, 3]])
    primaries = {key for key, value in table.cells.items() if value < 10}
    naive = _published_except(table, primaries)
    assert find_recoverable(naive) == (("r1", "c2"),)
    protected = protect_counts(table)
    assert find_recoverable(protected) == ()
    # The cheapest way round is (r0, c2) = 50: r1 -> c0 -> r0 -> c2 over suppressed cells.
    assert {key for key, reason in reasons(protected).items() if reason == "complementary"} == {
        ("r0", "c2")
    }


def test_two_way_small_margin_is_primary_and_paired() -> None:
    protected = protect_counts(grid([[2, 3], [40, 50]]))
    result = reasons(protected)
    assert result[("r0", None)] == "threshold"
    assert result[("r0", "c0")] == result[("r0", "c1")] == "threshold"
    assert find_recoverable(protected) == ()
    assert protected[(None, None)].value == 95


def test_two_way_single_row_and_column() -> None:
    protected = protect_counts(grid([[4, 30, 25]]))
    assert find_recoverable(protected) == ()
    assert protected[("r0", "c0")].reason is Reason.THRESHOLD
    # (None, c0) equals (r0, c0) and is below k as well.
    assert protected[(None, "c0")].reason is Reason.THRESHOLD
    column = protect_counts(CountTable(("a", "b"), {("x", "y"): 4}))
    assert all(cell.reason is Reason.THRESHOLD for cell in column)


def test_zeros_that_must_add_up_to_nothing_are_not_left_alone() -> None:
    # Linear algebra alone accepts a and b suppressed together, but a + b = 25 - 25 = 0 and
    # neither may be negative, so both would be known. A third cell has to go.
    table = CountTable.one_way("x", {"a": 0, "b": 0, "c": 25})
    protected = protect_counts(table, DisclosurePolicy(zeros_disclosive=True))
    assert reasons(protected) == {
        ("a",): "threshold",
        ("b",): "threshold",
        ("c",): "complementary",
    }


def test_nonzero_cell_pinned_by_a_zero_column_is_widened() -> None:
    # All four cells suppressed is a cycle, so nothing is recoverable by linear algebra; but
    # column c1 adds up to 0, so both its cells are 0 and then (r0, c0) = 5, (r1, c0) = 7.
    table = grid([[5, 0], [7, 0]])
    rectangle = _published_except(table, set(table.cells), DisclosurePolicy(zeros_disclosive=True))
    assert find_recoverable(rectangle) == ()
    intervals = suppression_intervals(rectangle)
    assert all(interval.width == 0 for interval in intervals.values())
    assert intervals[("r0", "c0")] == Interval(Fraction(5), Fraction(5))
    protected = protect_counts(table, DisclosurePolicy(k=3, zeros_disclosive=True))
    assert protected[(None, "c1")].reason is Reason.THRESHOLD
    primaries = {cell.key for cell in protected if cell.reason is Reason.THRESHOLD}
    widths = {key: suppression_intervals(protected)[key].width for key in primaries}
    assert all(width is None or width > 0 for width in widths.values()), widths


def test_protection_width_demands_room() -> None:
    table = CountTable.one_way("x", {"a": 3, "b": 4, "c": 30})
    # Zeros are published, so both hidden counts are at least 1: a + b = 7 leaves 1..6.
    assert suppression_intervals(protect_counts(table))[("a",)] == Interval(
        Fraction(1), Fraction(6)
    )
    policy = DisclosurePolicy(protection_width=10)
    protected = protect_counts(table, policy)
    assert reasons(protected) == {("a",): "threshold", ("b",): "threshold", ("c",): "complementary"}
    assert suppression_intervals(protected)[("a",)] == Interval(Fraction(1), Fraction(35))


def test_two_way_zero_cells_are_never_complementary() -> None:
    # Left to cost alone, the search hid the zeros (r0, c2) and (r1, c0) as well. With zeros
    # published an attacker takes every hidden count to be at least 1, so no zero may be hidden.
    protected = protect_counts(grid([[1, 9, 0], [0, 2, 1]]))
    assert reasons(protected) == {
        ("r0", "c0"): "threshold",
        ("r0", "c1"): "threshold",
        ("r1", "c1"): "threshold",
        ("r1", "c2"): "threshold",
        ("r0", None): "complementary",
        ("r1", None): "threshold",
        (None, "c0"): "threshold",
        (None, "c1"): "complementary",
        (None, "c2"): "threshold",
    }
    intervals = suppression_intervals(protected)
    assert all(interval.width is None or interval.width > 0 for interval in intervals.values())


def test_published_zeros_make_every_hidden_count_at_least_one() -> None:
    # The reviewer's case: activist = other = 1 are hidden for threshold and the total is
    # published, so activist + other = 2. With zeros published neither can be 0: both are 1.
    counts = {"activist": 1, "other": 1, "engineer": 40, "journalist": 25, "teacher": 18}
    table = CountTable.one_way("profession", counts)
    policy = DisclosurePolicy(k=10)
    naive = _one_way_published_except(table, {("activist",), ("other",)}, policy)
    assert find_recoverable(naive) == ()
    assert suppression_intervals(naive)[("activist",)] == Interval(Fraction(1), Fraction(1))

    protected = protect_counts(table, policy)
    assert reasons(protected) == {
        ("activist",): "threshold",
        ("other",): "threshold",
        ("teacher",): "complementary",
    }
    assert protected.total.value == 85
    intervals = suppression_intervals(protected)
    assert intervals[("activist",)] == intervals[("other",)] == Interval(Fraction(1), Fraction(18))
    assert intervals[("teacher",)] == Interval(Fraction(1), Fraction(18))
    # With disclosive zeros the attacker's floor is 0 again, and the pair protects itself.
    zeros = protect_counts(table, DisclosurePolicy(k=10, zeros_disclosive=True))
    assert reasons(zeros) == {("activist",): "threshold", ("other",): "threshold"}
    assert suppression_intervals(zeros)[("other",)] == Interval(Fraction(0), Fraction(2))


def test_complementary_cells_are_never_left_pinned() -> None:
    # Reasons published: (r1, c0) = 9 is the only threshold cell. A rectangle of suppressed
    # cells is not enough: column c1 adds up to 20 and a complementary count is at least 10, so
    # (r0, c1) = (r1, c1) = 10, and then (r1, c0) = 9. The column totals have to go as well.
    table = grid([[20, 10], [9, 10]])
    protected = protect_counts(table, DisclosurePolicy(reasons_published=True))
    assert reasons(protected) == {
        ("r0", "c0"): "complementary",
        ("r0", "c1"): "complementary",
        ("r1", "c0"): "threshold",
        ("r1", "c1"): "complementary",
        (None, "c0"): "complementary",
        (None, "c1"): "complementary",
    }
    intervals = suppression_intervals(protected)
    assert intervals[("r0", "c1")] == Interval(Fraction(10), Fraction(20))
    assert intervals[("r1", "c1")] == Interval(Fraction(10), Fraction(18))
    assert all(interval.width is None or interval.width > 0 for interval in intervals.values())


def test_reason_bounds_are_protected_when_reasons_are_published() -> None:
    table = CountTable.one_way("x", {"a": 1, "b": 10, "c": 50})
    hidden = protect_counts(table, DisclosurePolicy())
    assert reasons(hidden) == {("a",): "threshold", ("b",): "complementary"}
    assert suppression_intervals(hidden)[("a",)] == Interval(Fraction(1), Fraction(10))
    # Had the reasons been published: a <= 9 and b >= 10 with a + b = 11 pins both.
    leaked = suppression_intervals(hidden, reasons_published=True)
    assert leaked[("a",)] == Interval(Fraction(1), Fraction(1))
    assert leaked[("b",)] == Interval(Fraction(10), Fraction(10))

    published = protect_counts(table, DisclosurePolicy(reasons_published=True))
    assert reasons(published) == {
        ("a",): "threshold",
        ("b",): "complementary",
        ("c",): "complementary",
    }
    intervals = suppression_intervals(published)
    assert intervals[("a",)] == Interval(Fraction(1), Fraction(9))
    assert intervals[("b",)] == Interval(Fraction(10), Fraction(50))


def test_threshold_upper_bound_is_protected_when_reasons_are_published() -> None:
    # a + b = 18 with both below k = 10 makes both 9.
    table = CountTable.one_way("x", {"a": 9, "b": 9, "c": 30})
    assert reasons(protect_counts(table)) == {("a",): "threshold", ("b",): "threshold"}
    protected = protect_counts(table, DisclosurePolicy(reasons_published=True))
    assert reasons(protected) == {("a",): "threshold", ("b",): "threshold", ("c",): "complementary"}
    intervals = suppression_intervals(protected)
    assert intervals[("a",)] == Interval(Fraction(1), Fraction(9))
    assert intervals[("c",)] == Interval(Fraction(30), Fraction(46))


def test_tables_that_reasons_would_disclose_are_refused() -> None:
    # k = 3, zeros published: a, b and the total 2 are all threshold; with the reasons out,
    # a >= 1, b >= 1 and a + b <= 2 give a = b = 1 whatever else is hidden (c = 0 is known).
    table = CountTable.one_way("x", {"a": 1, "b": 1, "c": 0}, levels=["a", "b", "c"])
    protected = protect_counts(table, DisclosurePolicy(k=3))
    assert reasons(protected) == {("a",): "threshold", ("b",): "threshold", (None,): "threshold"}
    assert suppression_intervals(protected)[("a",)] == Interval(Fraction(1), None)
    with pytest.raises(ValueError, match="reasons"):
        protect_counts(table, DisclosurePolicy(k=3, reasons_published=True))
    # k = 2 with zeros published: a threshold count is 1, so its reason alone would say so.
    with pytest.raises(ValueError, match="reasons"):
        protect_counts(
            CountTable.one_way("x", {"a": 1, "b": 30}),
            DisclosurePolicy(k=2, reasons_published=True),
        )


def test_money_sums_keep_the_floor_at_zero() -> None:
    table = SumTable(
        ("x",),
        {("a",): [Decimal(1)] * 3, ("b",): [Decimal(5)] * 20, ("c",): [Decimal(7)] * 12},
    )
    protected = protect_sums(table, DisclosurePolicy(reasons_published=True))
    assert protected.kind == "sums"
    assert reasons(protected) == {("a",): "threshold", ("c",): "complementary"}  # type: ignore[arg-type]
    assert suppression_intervals(protected)[("a",)] == Interval(Fraction(0), Fraction(87))


def _one_way_published_except(
    table: CountTable, hidden: set[tuple[str, ...]], policy: DisclosurePolicy
) -> ProtectedTable[int]:
    (labels,) = table.levels
    cells = tuple(
        ProtectedCell(
            (label,),
            None if (label,) in hidden else table.count((label,)),
            Reason.THRESHOLD if (label,) in hidden else None,
        )
        for label in labels
    )
    total = ProtectedCell((None,), sum(table.cells.values()))
    return ProtectedTable(table.dimensions, table.levels, cells, (total,), policy)


def _published_except(
    table: CountTable, hidden: set[tuple[str, ...]], policy: DisclosurePolicy | None = None
) -> ProtectedTable[int]:
    """Build a protected table by hand: ``hidden`` suppressed, everything else exact."""
    rows, columns = table.levels
    cells = tuple(
        ProtectedCell(
            (row, column),
            None if (row, column) in hidden else table.count((row, column)),
            Reason.THRESHOLD if (row, column) in hidden else None,
        )
        for row in rows
        for column in columns
    )
    margins = (
        *(ProtectedCell((row, None), sum(table.count((row, c)) for c in columns)) for row in rows),
        *(ProtectedCell((None, c), sum(table.count((row, c)) for row in rows)) for c in columns),
        ProtectedCell((None, None), sum(table.cells.values())),
    )
    return ProtectedTable(
        table.dimensions, table.levels, cells, margins, policy or DisclosurePolicy()
    )
