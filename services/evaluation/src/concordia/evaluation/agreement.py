"""Inter-rater agreement: Krippendorff's alpha (ordinal) and quadratic-weighted Cohen's kappa.

Pure functions, no I/O. Alpha holds with rotating pairs, missing values and third assessors
(each item is a unit with two or more values); kappa needs the same two raters on every item.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import permutations
from typing import Any


def coincidences(units: Iterable[Sequence[int]]) -> dict[tuple[int, int], float]:
    """The coincidence matrix: each unit's ordered pairs of values, weighted 1 / (m_u - 1)."""
    matrix: dict[tuple[int, int], float] = defaultdict(float)
    for values in units:
        m = len(values)
        if m < 2:
            continue  # a single value pairs with nothing
        for a, b in permutations(values, 2):
            matrix[(a, b)] += 1 / (m - 1)
    return dict(matrix)


def _ordinal_delta(
    c: int, k: int, n_by_value: Mapping[int, float], ordered: Sequence[int]
) -> float:
    low, high = min(c, k), max(c, k)
    between = sum(n_by_value[g] for g in ordered if low <= g <= high)
    return (between - (n_by_value[low] + n_by_value[high]) / 2) ** 2


def alpha_ordinal(units: Iterable[Sequence[int]]) -> float | None:
    """Krippendorff's alpha with the ordinal metric; None without variation or pairable values.

    Example::

        alpha_ordinal([[1, 1], [2, 2], [3, 2]])
    """
    matrix = coincidences(units)
    n_by_value: dict[int, float] = defaultdict(float)
    for (c, _k), weight in matrix.items():
        n_by_value[c] += weight
    n = sum(n_by_value.values())
    ordered = sorted(n_by_value)
    if n <= 1 or len(ordered) < 2:
        return None
    observed = sum(w * _ordinal_delta(c, k, n_by_value, ordered) for (c, k), w in matrix.items())
    expected = sum(
        n_by_value[c] * n_by_value[k] * _ordinal_delta(c, k, n_by_value, ordered)
        for c in ordered
        for k in ordered
    )
    if expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


def kappa_quadratic(pairs: Sequence[tuple[int, int]], levels: Sequence[int]) -> float | None:
    """Cohen's kappa with quadratic weights over ``levels``; None when it is undefined.

    Example::

        kappa_quadratic([(0, 0), (1, 2), (4, 4)], levels=range(5))
    """
    if not pairs:
        return None
    index = {level: i for i, level in enumerate(levels)}
    size, n = len(index), len(pairs)
    rows: Counter[int] = Counter(index[a] for a, _ in pairs)
    cols: Counter[int] = Counter(index[b] for _, b in pairs)
    seen = Counter((index[a], index[b]) for a, b in pairs)
    span = (size - 1) ** 2

    def weight(i: int, j: int) -> float:
        return (i - j) ** 2 / span

    observed = sum(count * weight(i, j) for (i, j), count in seen.items()) / n
    expected = sum(rows[i] * cols[j] * weight(i, j) for i in rows for j in cols) / (n * n)
    if expected == 0:
        return None
    return 1 - observed / expected


def same_pair_items(
    scores: Mapping[Any, Mapping[Any, int]],
) -> dict[tuple[Any, Any], list[tuple[int, int]]]:
    """Group items scored by exactly the same two raters: (rater a, rater b) -> score pairs."""
    pairs: dict[tuple[Any, Any], list[tuple[int, int]]] = {}
    for by_rater in scores.values():
        if len(by_rater) != 2:
            continue
        (a, sa), (b, sb) = sorted(by_rater.items(), key=lambda kv: str(kv[0]))
        pairs.setdefault((a, b), []).append((sa, sb))
    return pairs
