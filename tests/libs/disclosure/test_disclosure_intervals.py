"""Feasible intervals (the exact LP audit) against closed forms and brute force.

Hand-made tables hide arbitrary entries. Under disclosive zeros the attacker's only prior is
``>= 0``; with zeros published every hidden count is at least 1 (so those tables hide no zero),
and published reasons add ``<= k - 1`` for threshold and ``>= k`` for complementary entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from concordia.disclosure import (
    CountTable,
    DisclosurePolicy,
    Interval,
    ProtectedCell,
    ProtectedTable,
    Reason,
    below_threshold,
    protect_counts,
    suppression_intervals,
)

Coord = tuple[int | None, ...]
#: Disclosive zeros: the attacker knows only that nothing is negative.
ZEROS = DisclosurePolicy(zeros_disclosive=True)


def build(
    shape: tuple[int, ...],
    values: dict[Coord, int],
    hidden: set[Coord],
    policy: DisclosurePolicy = ZEROS,
) -> ProtectedTable[int]:
    """Hide ``hidden``, each with the reason ``protect_counts`` would give it under ``policy``."""
    names = tuple(tuple(f"{'rc'[axis]}{i}" for i in range(size)) for axis, size in enumerate(shape))

    def key(coord: Coord) -> tuple[str | None, ...]:
        return tuple(None if i is None else names[axis][i] for axis, i in enumerate(coord))

    def cell(coord: Coord) -> ProtectedCell[int]:
        if coord in hidden:
            small = below_threshold(
                values[coord], k=policy.k, zeros_disclosive=policy.zeros_disclosive
            )
            return ProtectedCell(
                key(coord), None, Reason.THRESHOLD if small else Reason.COMPLEMENTARY
            )
        return ProtectedCell(key(coord), values[coord])

    everything = list(product(*([*range(size), None] for size in shape)))
    return ProtectedTable(
        ("row", "column")[: len(shape)],
        names,
        tuple(cell(c) for c in everything if None not in c),
        tuple(cell(c) for c in everything if None in c),
        policy,
    )


def with_margins(shape: tuple[int, ...], counts: dict[Coord, int]) -> dict[Coord, int]:
    values = dict(counts)
    for coord in product(*([*range(size), None] for size in shape)):
        if None in coord:
            values[coord] = sum(
                v
                for c, v in counts.items()
                if all(w is None or w == g for w, g in zip(coord, c, strict=True))
            )
    return values


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=6), st.booleans(), st.data())
def test_one_way_intervals_match_closed_form(
    counts: list[int], zeros_disclosive: bool, data: st.DataObject
) -> None:
    shape = (len(counts),)
    values = with_margins(shape, {(i,): v for i, v in enumerate(counts)})
    floor = 0 if zeros_disclosive else 1
    hideable = sorted((c for c in values if values[c] >= floor), key=repr)
    hidden = set(data.draw(st.lists(st.sampled_from(hideable), unique=True))) if hideable else set()
    policy = DisclosurePolicy(zeros_disclosive=zeros_disclosive)
    intervals = suppression_intervals(build(shape, values, hidden, policy))
    published = sum(v for c, v in values.items() if c != (None,) and c not in hidden)
    hidden_cells = [c for c in hidden if c != (None,)]
    for coord in hidden:
        interval = intervals[tuple(None if i is None else f"r{i}" for i in coord)]
        if hidden == {(None,)}:
            expected = Interval(Fraction(published), Fraction(published))
        elif (None,) in hidden:
            least = published + floor * len(hidden_cells) if coord == (None,) else floor
            expected = Interval(Fraction(least), None)
        else:
            # The hidden cells share what the published ones leave; each takes at least floor.
            rest = values[(None,)] - published
            most = rest - floor * (len(hidden_cells) - 1)
            expected = Interval(Fraction(most if len(hidden_cells) == 1 else floor), Fraction(most))
        assert interval == expected


@settings(max_examples=120, deadline=None)
@given(
    st.sampled_from([(1, 2), (2, 1), (2, 2), (2, 3), (3, 2)]).flatmap(
        lambda shape: st.tuples(
            st.just(shape), st.lists(st.integers(0, 4), min_size=shape[0] * shape[1],
                                     max_size=shape[0] * shape[1])
        )
    ),
    st.builds(
        DisclosurePolicy,
        k=st.sampled_from([2, 3, 5]),
        zeros_disclosive=st.booleans(),
        reasons_published=st.booleans(),
    ),
    st.data(),
)  # fmt: skip
def test_two_way_intervals_match_brute_force(
    spec: tuple[tuple[int, int], list[int]], policy: DisclosurePolicy, data: st.DataObject
) -> None:
    shape, flat = spec
    rows, columns = shape
    cells = list(product(range(rows), range(columns)))
    values = with_margins(shape, dict(zip(cells, flat, strict=True)))
    # A table that publishes zeros hides none (protect_counts never does).
    hideable = [c for c in cells if policy.zeros_disclosive or values[c]]
    margins = sorted(
        (
            c
            for c in values
            if None in c and c != (None, None) and (policy.zeros_disclosive or values[c])
        ),
        key=repr,
    )
    unknown = (
        data.draw(st.lists(st.sampled_from(hideable), unique=True, max_size=3)) if hideable else []
    )
    hidden = set(unknown) | set(
        data.draw(st.lists(st.sampled_from(margins), unique=True)) if margins else []
    )

    def allowed(coord: Coord, value: int) -> bool:
        """What the attacker knows of a hidden entry before looking at the equations."""
        if value < (0 if policy.zeros_disclosive else 1):
            return False
        if not policy.reasons_published:
            return True
        if below_threshold(values[coord], k=policy.k, zeros_disclosive=policy.zeros_disclosive):
            return value < policy.k
        return value >= policy.k

    seen: dict[Coord, set[int]] = {c: set() for c in hidden}
    for solution in solutions(shape, values, hidden, unknown):
        if all(allowed(c, solution[c]) for c in hidden):
            for c in hidden:
                seen[c].add(solution[c])
    intervals = suppression_intervals(build(shape, values, hidden, policy))
    for c in hidden:
        key = (None if c[0] is None else f"r{c[0]}", None if c[1] is None else f"c{c[1]}")
        assert intervals[key] == Interval(Fraction(min(seen[c])), Fraction(max(seen[c])))


def solutions(
    shape: tuple[int, ...], values: dict[Coord, int], hidden: set[Coord], unknown: Sequence[Coord]
) -> list[dict[Coord, int]]:
    """Every non-negative integer table that publishes the same entries (grand total shown)."""

    def cap(cell: Coord) -> int:
        lines = [(cell[0], None), (None, cell[1]), (None, None)]
        return min(values[line] for line in lines if line not in hidden)

    found: list[dict[Coord, int]] = []
    trial = {c: v for c, v in values.items() if None not in c}

    def assign(index: int) -> None:
        if index == len(unknown):
            full = with_margins(shape, trial)
            if all(full[c] == values[c] for c in full if c not in hidden):
                found.append(full)
            return
        for guess in range(cap(unknown[index]) + 1):
            trial[unknown[index]] = guess
            assign(index + 1)

    assign(0)
    return found


def test_intervals_refuse_rounded_tables() -> None:
    table = CountTable.one_way("x", {"a": 3, "b": 4, "c": 30})
    protected = protect_counts(table, DisclosurePolicy(rounding_base=5))
    with pytest.raises(ValueError, match="rounded"):
        suppression_intervals(protected)
    assert suppression_intervals(protect_counts(table, DisclosurePolicy(rounding_base=1)))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(1, 4), min_size=1, max_size=2),
    st.builds(
        DisclosurePolicy,
        k=st.sampled_from([2, 3, 5]),
        zeros_disclosive=st.booleans(),
        reasons_published=st.booleans(),
    ),
    st.data(),
)
def test_graph_pinning_agrees_with_the_linear_programmes(
    shape_list: list[int], policy: DisclosurePolicy, data: st.DataObject
) -> None:
    """The residual-graph shortcut used during protection finds exactly the zero-width LPs."""
    from concordia.disclosure._bounds import attacker_bounds
    from concordia.disclosure._layout import Layout
    from concordia.disclosure._pinning import pinned_entries

    shape = tuple(shape_list)
    layout = Layout(shape)
    counts = {
        cell: data.draw(st.sampled_from([0, 0, 1, 2, 3, 4, 7]))
        for cell in product(*(range(size) for size in shape))
    }
    values = with_margins(shape, counts)  # type: ignore[arg-type]
    by_entry = [Fraction(values[layout.coordinates(e)]) for e in range(layout.size)]
    hideable = [e for e in range(layout.size) if policy.zeros_disclosive or by_entry[e]]
    hidden = set(data.draw(st.lists(st.sampled_from(hideable), unique=True))) if hideable else set()
    table = build(shape, values, {layout.coordinates(e) for e in hidden}, policy)
    intervals = suppression_intervals(table)
    expected = {e for e in hidden if intervals[_key(layout.coordinates(e))].width == 0}
    reasons = {e: r for e in hidden if (r := table[_key(layout.coordinates(e))].reason)}
    bounds = attacker_bounds(
        policy, hidden, reasons, counts=True, reasons_published=policy.reasons_published
    )
    assert pinned_entries(layout, by_entry, hidden, hidden, bounds) == expected
    if policy.zeros_disclosive and not policy.reasons_published:
        assert pinned_entries(layout, by_entry, hidden, hidden) == expected  # default: >= 0


def _key(coord: Coord) -> tuple[str | None, ...]:
    return tuple(None if i is None else f"{'rc'[axis]}{i}" for axis, i in enumerate(coord))
