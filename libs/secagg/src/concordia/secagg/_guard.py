"""No release may isolate one node: exact linear algebra over the released rosters.

A release of a sum over a roster tells the indicator vector of that roster times the nodes'
values. A single node's value is derivable from several releases exactly when its unit vector
lies in the span of their indicator vectors (over the rationals, computed exactly here).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from fractions import Fraction


def _rank(rows: list[list[Fraction]]) -> int:
    matrix = [row[:] for row in rows]
    rank, columns = 0, len(matrix[0]) if matrix else 0
    for column in range(columns):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column] != 0:
                factor = matrix[r][column] / matrix[rank][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    return rank


def isolated(rosters: Sequence[Collection[str]]) -> list[str]:
    """The nodes whose single value the sums over ``rosters`` would reveal, sorted."""
    nodes = sorted({node for roster in rosters for node in roster})
    if not nodes:
        return []
    rows = [[Fraction(int(node in roster)) for node in nodes] for roster in rosters]
    base = _rank(rows)
    found = []
    for i, node in enumerate(nodes):
        unit = [Fraction(int(j == i)) for j in range(len(nodes))]
        if _rank([*rows, unit]) == base:
            found.append(node)
    return found
