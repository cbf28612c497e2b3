"""Complementary suppression on hand-checked tables, and the recoverability audit."""

from __future__ import annotations

from fractions import Fraction

from concordia.disclosure import (
    CountTable,
    DisclosurePolicy,
    Interval,
    ProtectedCell,
    ProtectedTable,
    Reason,
    find_recoverable,
    protect_counts,
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


def test_one_way_published_zero_is_the_last_choice_of_partner() -> None:
    protected = protect_counts(CountTable.one_way("x", {"a": 3, "b": 0, "c": 12}))
    assert reasons(protected) == {("a",): "threshold", ("c",): "complementary"}


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
    rectangle = _published_except(table, set(table.cells))
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
    assert suppression_intervals(protect_counts(table))[("a",)] == Interval(
        Fraction(0), Fraction(7)
    )
    policy = DisclosurePolicy(protection_width=10)
    protected = protect_counts(table, policy)
    assert reasons(protected) == {("a",): "threshold", ("b",): "threshold", ("c",): "complementary"}
    assert suppression_intervals(protected)[("a",)] == Interval(Fraction(0), Fraction(37))


def _published_except(table: CountTable, hidden: set[tuple[str, ...]]) -> ProtectedTable[int]:
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
    return ProtectedTable(table.dimensions, table.levels, cells, margins, DisclosurePolicy())
