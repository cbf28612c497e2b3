"""Property tests of protect_counts against an independent recoverability oracle.

The oracle knows nothing of the library's entry numbering or elimination: it writes the table's
equations over cell coordinates itself and calls a suppressed entry recoverable iff deleting its
column from the constraint matrix (restricted to suppressed entries) lowers the rank, i.e. iff no
change of the suppressed entries alone that keeps every equation moves it. For 2-D tables a
second oracle checks the graph form of the same fact: no suppressed entry is a bridge. A third,
for tables that publish zeros, searches integer tables by brute force for a second value of
every suppressed entry (``other_values``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
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

    # (e) what the attacker knows beforehand (>= 0, or >= 1 with zeros published) pins no
    # suppressed entry to one value, and no zero is hidden unless zeros disclose. Rounding never
    # changes what is suppressed, so the unrounded twin shows what an attacker could bound.
    exact = protect_counts(make_table(shape, counts, order), replace(policy, rounding_base=None))
    assert exact.suppressed_keys == protected.suppressed_keys
    intervals = suppression_intervals(exact)
    for coord in suppressed:
        interval = intervals[to_key(shape, coord)]
        value = true_value(counts, coord)
        assert value > 0 or policy.zeros_disclosive
        assert interval.lower <= value
        assert interval.upper is None or value <= interval.upper
        assert interval.width is None or interval.width > 0


def other_values(
    shape: Shape,
    counts: dict[Coord, int],
    hidden: set[Coord],
    prior: Callable[[Coord, int], bool],
) -> dict[Coord, set[int]]:
    """Brute force: the values each hidden entry takes over the tables an attacker cannot rule out.

    Those are the non-negative integer tables that publish the same values and in which every
    hidden entry meets ``prior`` (what the attacker knows of it beforehand). The search varies
    each hidden cell by at most one around its true value: if an entry can change at all, then
    it can by one, since the difference of two such tables splits into unit cycles of +1/-1
    changes that each keep every published sum and move entries only towards the other table.
    """
    everything = coordinates(shape)
    members = {
        coord: [
            cell
            for cell in interior(shape)
            if all(want is None or want == got for want, got in zip(coord, cell, strict=True))
        ]
        for coord in everything
    }
    truth = {coord: true_value(counts, coord) for coord in everything}
    free = [cell for cell in interior(shape) if cell in hidden]
    # Check each entry once its last free cell has a value; fixed entries need no check.
    due: list[list[Coord]] = [[] for _ in free]
    for coord in everything:
        positions = [free.index(cell) for cell in members[coord] if cell in hidden]
        if positions:
            due[max(positions)].append(coord)
    seen: dict[Coord, set[int]] = {coord: {truth[coord]} for coord in hidden}
    trial = {cell: counts.get(cell, 0) for cell in interior(shape)}

    def search(depth: int) -> bool:
        """Return True once every hidden entry has shown two values."""
        if depth == len(free):
            for coord in hidden:
                seen[coord].add(sum(trial[cell] for cell in members[coord]))
            return all(len(values) > 1 for values in seen.values())
        cell = free[depth]
        for guess in (truth[cell] - 1, truth[cell], truth[cell] + 1):
            if guess < 0:
                continue
            trial[cell] = guess
            if all(fits(coord) for coord in due[depth]) and search(depth + 1):
                return True
        trial[cell] = truth[cell]
        return False

    def fits(coord: Coord) -> bool:
        value = sum(trial[cell] for cell in members[coord])
        return prior(coord, value) if coord in hidden else value == truth[coord]

    search(0)
    return seen


def attacker_prior(
    policy: DisclosurePolicy, reasons: dict[Coord, Reason]
) -> Callable[[Coord, int], bool]:
    """Zeros are published, so a hidden count is >= 1; published reasons bound it further."""

    def prior(coord: Coord, value: int) -> bool:
        if value < 1:
            return False
        if not policy.reasons_published:
            return True
        if reasons[coord] is Reason.THRESHOLD:
            return value < policy.k
        return value >= policy.k

    return prior


@st.composite
def small_tables(draw: st.DrawFn) -> tuple[Shape, dict[Coord, int]]:
    shape: Shape = (
        (draw(st.integers(1, 5)),)
        if draw(st.booleans())
        else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    )
    values = st.sampled_from([0, 0, 0, 1, 1, 2, 3, 9, 10, 11, 25])
    return shape, {coord: draw(values) for coord in interior(shape)}


@settings(max_examples=200, deadline=None)
@given(small_tables(), st.sampled_from([3, 5, 10]), st.booleans())
def test_published_zeros_leave_every_suppressed_count_room(
    spec: tuple[Shape, dict[Coord, int]], k: int, reasons_published: bool
) -> None:
    """With zeros published every hidden count is >= 1; none may be pinned to one value."""
    shape, counts = spec
    policy = DisclosurePolicy(k=k, zeros_disclosive=False, reasons_published=reasons_published)
    table = make_table(shape, counts, interior(shape))
    everything = coordinates(shape)
    try:
        protected = protect_counts(table, policy)
    except ValueError:
        # Only published reasons can make a table unprotectable, and then even hiding every
        # non-zero entry (zeros are known anyway) leaves some entry with a single value.
        assert reasons_published
        hidden = {coord for coord in everything if true_value(counts, coord)}
        reasons = {
            coord: Reason.THRESHOLD if true_value(counts, coord) < k else Reason.COMPLEMENTARY
            for coord in hidden
        }
        seen = other_values(shape, counts, hidden, attacker_prior(policy, reasons))
        assert any(len(values) == 1 for values in seen.values())
        return
    reasons = {
        coord: cell.reason
        for coord in everything
        if (cell := protected[to_key(shape, coord)]).reason
    }
    for coord, reason in reasons.items():
        value = true_value(counts, coord)
        assert value > 0
        assert (reason is Reason.THRESHOLD) is (value < k)
    seen = other_values(shape, counts, set(reasons), attacker_prior(policy, reasons))
    assert all(len(values) > 1 for values in seen.values()), seen
    intervals = suppression_intervals(protected)
    for coord in reasons:
        interval = intervals[to_key(shape, coord)]
        assert interval.width is None or interval.width > 0
        assert interval.lower <= min(seen[coord])
        assert interval.upper is None or max(seen[coord]) <= interval.upper


def test_brute_force_oracle_sees_the_pinned_pair() -> None:
    """The oracle itself: two hidden counts of 1 under a published total are stuck at 1."""
    shape: Shape = (3,)
    counts: dict[Coord, int] = {(0,): 1, (1,): 1, (2,): 30}
    reasons: dict[Coord, Reason] = {(0,): Reason.THRESHOLD, (1,): Reason.THRESHOLD}
    policy = DisclosurePolicy(k=10)
    seen = other_values(shape, counts, set(reasons), attacker_prior(policy, reasons))
    assert seen == {(0,): {1}, (1,): {1}}
    # Without the floor of 1 (zeros disclosive) the pair could be 0 and 2: the search stops as
    # soon as every entry has shown a second value.
    loose = other_values(shape, counts, set(reasons), lambda coord, value: value >= 0)
    assert all(len(values) > 1 and values <= {0, 1, 2} for values in loose.values())


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
