"""Property tests of protect_counts against an independent recoverability oracle.

The oracle knows nothing of the library's entry numbering or elimination: it writes the table's
equations over cell coordinates itself and calls a suppressed entry recoverable iff deleting its
column from the constraint matrix (restricted to suppressed entries) lowers the rank, i.e. iff no
change of the suppressed entries alone that keeps every equation moves it. For 2-D tables a
second oracle checks the graph form of the same fact: no suppressed entry is a bridge.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import replace
from fractions import Fraction
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from concordia.disclosure import (
    CountTable,
    DisclosurePolicy,
    ProtectedCell,
    ProtectedTable,
    Reason,
    find_recoverable,
    protect_counts,
    suppression_intervals,
)

Coord = tuple[int | None, ...]
Shape = tuple[int, ...]


def interior(shape: Shape) -> list[Coord]:
    return list(product(*(range(size) for size in shape)))


def coordinates(shape: Shape) -> list[Coord]:
    return list(product(*([*range(size), None] for size in shape)))


def true_value(counts: dict[Coord, int], coord: Coord) -> int:
    return sum(
        value
        for cell, value in counts.items()
        if all(want is None or want == got for want, got in zip(coord, cell, strict=True))
    )


def equations(shape: Shape) -> list[dict[Coord, int]]:
    if len(shape) == 1:
        return [{**{(i,): 1 for i in range(shape[0])}, (None,): -1}]
    rows, columns = shape
    result = [{**{(i, j): 1 for j in range(columns)}, (i, None): -1} for i in range(rows)]
    result += [{**{(i, j): 1 for i in range(rows)}, (None, j): -1} for j in range(columns)]
    result.append({**{(i, None): 1 for i in range(rows)}, (None, None): -1})
    result.append({**{(None, j): 1 for j in range(columns)}, (None, None): -1})
    return result


def rank(matrix: list[list[Fraction]]) -> int:
    rows = [row[:] for row in matrix if any(row)]
    found = 0
    width = len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((r for r in range(found, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for r in range(found + 1, len(rows)):
            if rows[r][column] != 0:
                ratio = rows[r][column] / rows[found][column]
                rows[r] = [a - ratio * b for a, b in zip(rows[r], rows[found], strict=True)]
        found += 1
    return found


def oracle_recoverable(shape: Shape, suppressed: Iterable[Coord]) -> set[Coord]:
    unknown = sorted(suppressed, key=repr)
    matrix = [[Fraction(eq.get(coord, 0)) for coord in unknown] for eq in equations(shape)]
    full = rank(matrix)
    return {
        coord
        for index, coord in enumerate(unknown)
        if rank([row[:index] + row[index + 1 :] for row in matrix]) < full
    }


def bridges(suppressed: set[Coord]) -> set[Coord]:
    """2-D only: suppressed entries whose edge (row node, column node) lies on no cycle."""

    def connected(edges: set[Coord], start: object, goal: object) -> bool:
        seen, stack = {start}, [start]
        while stack:
            node = stack.pop()
            for row, column in edges:
                for a, b in ((("r", row), ("c", column)), (("c", column), ("r", row))):
                    if a == node and b not in seen:
                        seen.add(b)
                        stack.append(b)
        return goal in seen

    return {
        (row, column)
        for row, column in suppressed
        if not connected(suppressed - {(row, column)}, ("r", row), ("c", column))
    }


def labels(shape: Shape) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(f"{'rc'[axis]}{i}" for i in range(size)) for axis, size in enumerate(shape))


def to_key(shape: Shape, coord: Coord) -> tuple[str | None, ...]:
    names = labels(shape)
    return tuple(None if i is None else names[axis][i] for axis, i in enumerate(coord))


def make_table(shape: Shape, counts: dict[Coord, int], order: list[Coord]) -> CountTable:
    dimensions = ("row", "column")[: len(shape)]
    cells = {to_key(shape, coord): counts[coord] for coord in order}
    return CountTable(dimensions, cells)  # type: ignore[arg-type]


@st.composite
def count_tables(draw: st.DrawFn) -> tuple[Shape, dict[Coord, int]]:
    shape = tuple(draw(st.integers(1, 5)) for _ in range(draw(st.sampled_from([1, 2]))))
    values = st.one_of(st.just(0), st.integers(0, 12), st.integers(0, 40))
    return shape, {coord: draw(values) for coord in interior(shape)}


policies = st.builds(
    DisclosurePolicy,
    k=st.sampled_from([3, 5, 10]),
    zeros_disclosive=st.booleans(),
    rounding_base=st.sampled_from([None, 1, 2, 3, 5, 10]),
)


@settings(max_examples=200, deadline=None)
@given(count_tables(), policies, st.randoms(use_true_random=False))
def test_protect_counts_properties(
    spec: tuple[Shape, dict[Coord, int]], policy: DisclosurePolicy, rng: random.Random
) -> None:
    shape, counts = spec
    order = interior(shape)
    protected = protect_counts(make_table(shape, counts, order), policy)
    cells = {coord: protected[to_key(shape, coord)] for coord in coordinates(shape)}
    assert len(cells) == len(protected.cells) + len(protected.margins)
    suppressed = {coord for coord, cell in cells.items() if cell.suppressed}

    # (a) threshold: every small (or disclosive zero) entry is suppressed as such, no other.
    for coord, cell in cells.items():
        value = true_value(counts, coord)
        small = (value == 0 and policy.zeros_disclosive) or 0 < value < policy.k
        assert (cell.reason is Reason.THRESHOLD) is small
        assert cell.reason in (None, Reason.THRESHOLD, Reason.COMPLEMENTARY)
        assert (cell.value is None) is cell.suppressed

    # (b) nothing suppressed can be recomputed, by either oracle; so every line holds 0 or >= 2.
    assert oracle_recoverable(shape, suppressed) == set()
    if len(shape) == 2:
        assert bridges(suppressed) == set()
    for equation in equations(shape):
        assert len(suppressed & equation.keys()) != 1

    # (c) published values are the true ones, or rounded to the nearest multiple of the base.
    base = policy.rounding_base
    for coord, cell in cells.items():
        if cell.value is None:
            continue
        value = true_value(counts, coord)
        if base is None:
            assert cell.value == value
        else:
            assert cell.value % base == 0
            assert 2 * abs(cell.value - value) <= base

    # (d) deterministic, and independent of the order in which cells were given.
    shuffled = order[:]
    rng.shuffle(shuffled)
    again = protect_counts(make_table(shape, counts, shuffled), policy)
    assert again.as_dict() == protected.as_dict()

    # (e) non-negativity pins no primary suppression to one value. Rounding never changes what
    # is suppressed, so the unrounded twin of the table shows what an attacker could bound.
    exact = protect_counts(make_table(shape, counts, order), replace(policy, rounding_base=None))
    assert exact.suppressed_keys == protected.suppressed_keys
    intervals = suppression_intervals(exact)
    for coord in suppressed:
        interval = intervals[to_key(shape, coord)]
        value = true_value(counts, coord)
        assert interval.lower <= value
        assert interval.upper is None or value <= interval.upper
        if cells[coord].reason is Reason.THRESHOLD:
            assert interval.width is None or interval.width > 0


@settings(max_examples=250, deadline=None)
@given(count_tables(), st.data())
def test_recoverability_check_agrees_with_oracles(
    spec: tuple[Shape, dict[Coord, int]], data: st.DataObject
) -> None:
    shape, counts = spec
    everything = coordinates(shape)
    hidden = set(data.draw(st.lists(st.sampled_from(everything), unique=True)))
    table = hand_protected(shape, counts, hidden)
    expected = oracle_recoverable(shape, hidden)
    if len(shape) == 2:
        assert bridges(hidden) == expected
    found = find_recoverable(table)
    assert {coord for coord in everything if to_key(shape, coord) in found} == expected


def hand_protected(
    shape: Shape, counts: dict[Coord, int], hidden: set[Coord]
) -> ProtectedTable[int]:
    def cell(coord: Coord) -> ProtectedCell[int]:
        if coord in hidden:
            return ProtectedCell(to_key(shape, coord), None, Reason.THRESHOLD)
        return ProtectedCell(to_key(shape, coord), true_value(counts, coord))

    everything = coordinates(shape)
    return ProtectedTable(
        ("row", "column")[: len(shape)],
        labels(shape),
        tuple(cell(coord) for coord in everything if None not in coord),
        tuple(cell(coord) for coord in everything if None in coord),
        DisclosurePolicy(),
    )
