"""Exact linear algebra: which unknowns of a linear system are uniquely determined.

A suppressed entry can be recovered exactly iff its unit vector lies in the row space of the
constraint matrix restricted to the suppressed (unknown) entries. In reduced row echelon form
that is the case iff some row is exactly that unit vector. Arithmetic is in ``Fraction``, so no
rounding error can hide (or invent) a dependency.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

#: One linear equation ``sum(coefficient * entry) == 0`` over entry indices.
Equation = Mapping[int, int]


def determined_unknowns(equations: Sequence[Equation], unknowns: Iterable[int]) -> set[int]:
    """Return the unknown entries whose value the equations and the known entries fix."""
    columns = sorted(set(unknowns))
    if not columns:
        return set()
    position = {entry: index for index, entry in enumerate(columns)}
    rows: list[list[Fraction]] = []
    for equation in equations:
        row = [Fraction(0)] * len(columns)
        for entry, coefficient in equation.items():
            if entry in position:
                row[position[entry]] += coefficient
        if any(row):
            rows.append(row)
    reduced = _reduced_row_echelon(rows, len(columns))
    determined: set[int] = set()
    for row in reduced:
        nonzero = [index for index, value in enumerate(row) if value]
        if len(nonzero) == 1:
            determined.add(columns[nonzero[0]])
    return determined


def _reduced_row_echelon(rows: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    """Return the non-zero rows of the reduced row echelon form of ``rows``."""
    matrix = [row[:] for row in rows]
    pivot_row = 0
    for column in range(width):
        pivot = next(
            (index for index in range(pivot_row, len(matrix)) if matrix[index][column]), None
        )
        if pivot is None:
            continue
        matrix[pivot_row], matrix[pivot] = matrix[pivot], matrix[pivot_row]
        lead = matrix[pivot_row][column]
        matrix[pivot_row] = [value / lead for value in matrix[pivot_row]]
        for index, row in enumerate(matrix):
            factor = row[column]
            if index != pivot_row and factor:
                matrix[index] = [
                    value - factor * pivot_value
                    for value, pivot_value in zip(row, matrix[pivot_row], strict=True)
                ]
        pivot_row += 1
        if pivot_row == len(matrix):
            break
    return matrix[:pivot_row]
