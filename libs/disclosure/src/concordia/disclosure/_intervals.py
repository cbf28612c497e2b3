"""Feasible intervals of suppressed entries, as an attacker computes them.

The attacker knows the published entries, the table's equations and a range for each
suppressed entry: at least non-negativity, often more (``_bounds``: ``>= 1`` for counts when zeros
are published, ``<= k - 1`` and ``>= k`` when reasons are). Each suppressed entry's lowest and
highest value over that polytope are found with an exact (``Fraction``) two-phase simplex using
Bland's rule, so degenerate tables cannot make it cycle. Bounds are handled by substitution
(``x = lower + y``, ``y >= 0``) and a slack per finite upper bound. Tables are small, so a dense
tableau is plenty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ._linear import Equation


@dataclass(frozen=True, slots=True)
class Interval:
    """The values a suppressed entry can take given what is published; ``upper`` None is ∞.

    Example::

        interval = Interval(Fraction(0), Fraction(12))
        interval.width  # Fraction(12)
    """

    lower: Fraction
    upper: Fraction | None

    @property
    def width(self) -> Fraction | None:
        """Return ``upper - lower``, None if unbounded."""
        return None if self.upper is None else self.upper - self.lower

    def at_least(self, width: Fraction) -> bool:
        """Return True if the interval is at least ``width`` wide."""
        return self.upper is None or self.upper - self.lower >= width


NON_NEGATIVE = Interval(Fraction(0), None)


def feasible_intervals(
    equations: Sequence[Equation],
    values: Sequence[Fraction],
    unknowns: Iterable[int],
    bounds: Mapping[int, Interval] | None = None,
) -> dict[int, Interval]:
    """Return each unknown entry's interval given the other entries' values and its bounds.

    ``bounds`` gives what is known of each unknown beforehand; a missing one is ``>= 0``.
    """
    columns = sorted(set(unknowns))
    if not columns:
        return {}
    known = [
        NON_NEGATIVE if bounds is None else bounds.get(entry, NON_NEGATIVE) for entry in columns
    ]
    capped = [index for index, bound in enumerate(known) if bound.upper is not None]
    width = len(columns) + len(capped)  # one slack per finite upper bound
    position = {entry: index for index, entry in enumerate(columns)}
    rows: list[list[Fraction]] = []
    for equation in equations:
        row = [Fraction(0)] * (width + 1)
        for entry, coefficient in equation.items():
            if entry in position:
                row[position[entry]] += coefficient
                row[-1] -= coefficient * known[position[entry]].lower
            else:
                row[-1] -= coefficient * values[entry]
        if any(row[:-1]):
            rows.append(row if row[-1] >= 0 else [-value for value in row])
        elif row[-1]:
            raise ValueError("published entries contradict the table's equations")
    for slack, index in enumerate(capped, start=len(columns)):
        room = known[index].width
        assert room is not None
        if room < 0:
            raise ValueError("an unknown's bounds are empty")
        row = [Fraction(0)] * (width + 1)
        row[index] = row[slack] = Fraction(1)
        row[-1] = room
        rows.append(row)
    tableau = _Tableau.feasible(rows, width)
    intervals: dict[int, Interval] = {}
    for index, entry in enumerate(columns):
        lower = tableau.minimise(index, sign=1)
        upper = tableau.minimise(index, sign=-1)
        assert lower is not None  # y >= 0 bounds every minimum
        base = known[index].lower
        intervals[entry] = Interval(base + lower, None if upper is None else base - upper)
    return intervals


class _Tableau:
    """A feasible simplex tableau: ``rows`` over ``variables`` columns plus the right-hand side."""

    def __init__(self, rows: list[list[Fraction]], basis: list[int], variables: int) -> None:
        self.rows, self.basis, self.variables = rows, basis, variables

    @classmethod
    def feasible(cls, rows: list[list[Fraction]], variables: int) -> _Tableau:
        """Phase one: find a basic feasible solution of ``rows`` (right-hand sides >= 0)."""
        count = len(rows)
        width = variables + count
        extended = [
            row[:-1] + [Fraction(int(i == j)) for j in range(count)] + [row[-1]]
            for i, row in enumerate(rows)
        ]
        tableau = cls(extended, list(range(variables, width)), width)
        cost = [Fraction(0)] * variables + [Fraction(1)] * count
        if tableau._optimise(cost) is None or tableau._objective(cost) != 0:
            raise ValueError("published entries admit no solution within the bounds")
        for i in range(len(tableau.rows) - 1, -1, -1):
            if tableau.basis[i] < variables:
                continue
            column = next((j for j in range(variables) if tableau.rows[i][j]), None)
            if column is None:
                del tableau.rows[i], tableau.basis[i]  # a redundant equation
            else:
                tableau._pivot(i, column)
        rows = [[*row[:variables], row[-1]] for row in tableau.rows]
        return cls(rows, tableau.basis, variables)

    def minimise(self, variable: int, *, sign: int) -> Fraction | None:
        """Return the minimum of ``sign * x[variable]``, None if unbounded below."""
        copy = _Tableau([row[:] for row in self.rows], self.basis[:], self.variables)
        cost = [Fraction(0)] * self.variables
        cost[variable] = Fraction(sign)
        if copy._optimise(cost) is None:
            return None
        return copy._objective(cost)

    def _objective(self, cost: list[Fraction]) -> Fraction:
        return sum(
            (cost[b] * row[-1] for b, row in zip(self.basis, self.rows, strict=True)), Fraction(0)
        )

    def _optimise(self, cost: list[Fraction]) -> bool | None:
        """Run the simplex to optimality; None if the objective is unbounded below."""
        while True:
            entering = None
            for j in range(self.variables):
                reduced = cost[j] - sum(
                    (cost[b] * row[j] for b, row in zip(self.basis, self.rows, strict=True)),
                    Fraction(0),
                )
                if reduced < 0:
                    entering = j
                    break
            if entering is None:
                return True
            leaving: int | None = None
            best: tuple[Fraction, int] | None = None
            for i, row in enumerate(self.rows):
                if row[entering] > 0:
                    ratio = (row[-1] / row[entering], self.basis[i])
                    if best is None or ratio < best:
                        best, leaving = ratio, i
            if leaving is None:
                return None
            self._pivot(leaving, entering)

    def _pivot(self, pivot_row: int, column: int) -> None:
        lead = self.rows[pivot_row][column]
        self.rows[pivot_row] = [value / lead for value in self.rows[pivot_row]]
        pivot = self.rows[pivot_row]
        for i, row in enumerate(self.rows):
            factor = row[column]
            if i != pivot_row and factor:
                self.rows[i] = [value - factor * p for value, p in zip(row, pivot, strict=True)]
        self.basis[pivot_row] = column
