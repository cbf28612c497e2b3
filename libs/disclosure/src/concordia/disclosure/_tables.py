"""Input tables: counts or money contributions per cell, over one or two labelled dimensions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar, cast

#: A cell's labels, one per dimension.
CellKey = tuple[str, ...]
#: A cell's or margin's labels; None where the entry is a total over that dimension.
Key = tuple[str | None, ...]
#: One cell's contributions: one amount per contributor, or amounts by contributor id.
Contributions = Sequence[Decimal] | Mapping[str, Decimal]
Levels = tuple[tuple[str, ...], ...]
_T = TypeVar("_T")
#: Cells by key. Mapping keys are invariant, so the fixed-length key types are spelled out too:
#: a ``dict[tuple[str, str], int]`` type-checks as table cells.
Cells = Mapping[tuple[str], _T] | Mapping[tuple[str, str], _T] | Mapping[CellKey, _T]


@dataclass(frozen=True)
class CountTable:
    """Counts of people (or things) over one or two labelled dimensions.

    Example::

        table = CountTable(
            ("country", "status"),
            {("SE", "granted"): 12, ("SE", "refused"): 3, ("DE", "granted"): 40},
        )
        table.count(("DE", "refused"))  # 0: a missing cell counts as zero

    ``levels`` fixes the categories and their order per dimension; left empty, they are the
    labels found in the keys, sorted. Margins are derived, never given.
    """

    dimensions: tuple[str, ...]
    cells: Cells[int]
    levels: Levels = ()

    def __post_init__(self) -> None:
        levels = _resolve_levels(self.dimensions, self.cells.keys(), self.levels)
        for key, count in self.cells.items():
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ValueError(f"cell {key!r}: a count is a non-negative int, got {count!r}")
        object.__setattr__(self, "dimensions", tuple(self.dimensions))
        object.__setattr__(self, "levels", levels)
        object.__setattr__(self, "cells", dict(self.cells))

    @classmethod
    def one_way(
        cls, dimension: str, counts: Mapping[str, int], levels: Sequence[str] = ()
    ) -> CountTable:
        """Build a 1-D table from counts by label."""
        return cls(
            (dimension,),
            {(label,): count for label, count in counts.items()},
            (tuple(levels),) if levels else (),
        )

    def count(self, key: CellKey) -> int:
        """Return the count of one cell (zero if absent)."""
        return cast("Mapping[CellKey, int]", self.cells).get(tuple(key), 0)


@dataclass(frozen=True)
class SumTable:
    """Money sums over one or two labelled dimensions, kept as contributions per cell.

    Example::

        table = SumTable(
            ("country",),
            {("SE",): [Decimal("5000"), Decimal("1200.50")], ("DE",): {"org-1": Decimal("90")}},
        )
        table.total(("SE",))  # Decimal("6200.50")

    A sequence holds one amount per distinct contributor; a mapping names the contributors, and
    the same name in several cells is one contributor in the margins (aggregate per contributor
    before building the table, so the dominance rules see contributors, not transactions).
    Amounts are non-negative ``Decimal``. ``levels`` works as in ``CountTable``.
    """

    dimensions: tuple[str, ...]
    contributions: Cells[Contributions]
    levels: Levels = ()

    def __post_init__(self) -> None:
        levels = _resolve_levels(self.dimensions, self.contributions.keys(), self.levels)
        frozen: dict[CellKey, Contributions] = {}
        for key, contributions in self.contributions.items():
            amounts = (
                contributions.values() if isinstance(contributions, Mapping) else contributions
            )
            for amount in amounts:
                if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
                    raise ValueError(f"cell {key!r}: amounts are finite Decimals >= 0")
            frozen[key] = (
                dict(contributions) if isinstance(contributions, Mapping) else tuple(contributions)
            )
        object.__setattr__(self, "dimensions", tuple(self.dimensions))
        object.__setattr__(self, "levels", levels)
        object.__setattr__(self, "contributions", frozen)

    def cell(self, key: CellKey) -> Contributions:
        """Return the contributions of one cell (empty if absent)."""
        by_key = cast("Mapping[CellKey, Contributions]", self.contributions)
        return by_key.get(tuple(key), ())

    def total(self, key: CellKey) -> Decimal:
        """Return the sum of one cell."""
        contributions = self.cell(key)
        amounts = contributions.values() if isinstance(contributions, Mapping) else contributions
        return sum(amounts, Decimal(0))


def _resolve_levels(
    dimensions: Sequence[str], keys: Iterable[CellKey], levels: Sequence[Sequence[str]]
) -> Levels:
    """Validate keys against the dimensions; return explicit levels or the sorted labels."""
    if len(dimensions) not in (1, 2):
        raise ValueError("only one- and two-dimensional tables are supported")
    if len(set(dimensions)) != len(dimensions):
        raise ValueError("dimension names must differ")
    keys = list(keys)
    for key in keys:
        if not isinstance(key, tuple) or len(key) != len(dimensions):
            raise ValueError(f"key {key!r} needs one label per dimension {tuple(dimensions)}")
        if not all(isinstance(label, str) for label in key):
            raise ValueError(f"key {key!r}: labels are strings")
    if not levels:
        resolved = tuple(
            tuple(sorted({key[axis] for key in keys})) for axis in range(len(dimensions))
        )
    else:
        resolved = tuple(tuple(axis) for axis in levels)
        if len(resolved) != len(dimensions):
            raise ValueError("levels need one sequence per dimension")
        for axis, labels in enumerate(resolved):
            if len(set(labels)) != len(labels):
                raise ValueError(f"levels of {dimensions[axis]!r} repeat a label")
            known = set(labels)
            for key in keys:
                if key[axis] not in known:
                    raise ValueError(f"key {key!r}: {key[axis]!r} is not a level")
    if any(not labels for labels in resolved):
        raise ValueError("every dimension needs at least one level")
    return resolved
