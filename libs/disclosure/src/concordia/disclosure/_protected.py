"""Protected tables: what may leave a node, cell by cell, with margins and reasons."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, Literal, TypeVar

from ._policy import DisclosurePolicy, Reason
from ._tables import Key, Levels

V = TypeVar("V", bound=int | Decimal)


@dataclass(frozen=True, slots=True)
class ProtectedCell(Generic[V]):
    """One published cell or margin: its value, or None and the reason it is suppressed.

    Example::

        cell = protected[("SE", "refused")]
        cell.suppressed, cell.reason  # (True, Reason.THRESHOLD)
        cell.as_dict()  # {"key": ["SE", "refused"], "value": None, ...}
    """

    key: Key
    value: V | None
    reason: Reason | None = None

    @property
    def suppressed(self) -> bool:
        """Return True if the cell is not published."""
        return self.reason is not None

    @property
    def is_margin(self) -> bool:
        """Return True for a total over at least one dimension."""
        return None in self.key

    def as_dict(self) -> dict[str, Any]:
        """Return ``{"key", "value", "suppressed", "reason"}``; money values as strings."""
        value: int | str | None = str(self.value) if isinstance(self.value, Decimal) else self.value
        return {
            "key": list(self.key),
            "value": value,
            "suppressed": self.suppressed,
            "reason": None if self.reason is None else self.reason.value,
        }


@dataclass(frozen=True)
class ProtectedTable(Generic[V]):
    """A table after disclosure control, ready to publish.

    Example::

        protected = protect_counts(table, DisclosurePolicy(rounding_base=5))
        protected[("SE", "granted")].value  # 10 (12 rounded to base 5)
        protected[("SE", None)]  # the row total for SE
        protected.total  # the grand total
        payload = protected.as_dict()

    ``cells`` are the interior cells in level order (row-major); ``margins`` are the totals:
    for 2-D tables first the row totals ``(row, None)``, then the column totals
    ``(None, column)``, then the grand total ``(None, None)``; for 1-D tables only ``(None,)``.
    Published values are rounded to ``rounding_base`` if it is set, each on its own. ``kind``
    says whether the values are whole counts (``protect_counts``) or money sums
    (``protect_sums``); it decides what ``suppression_intervals`` assumes an attacker knows.
    ``as_dict`` includes the suppression reasons: strip them before the table leaves the node
    unless ``policy.reasons_published`` is set (see ``DisclosurePolicy``).
    """

    dimensions: tuple[str, ...]
    levels: Levels
    cells: tuple[ProtectedCell[V], ...]
    margins: tuple[ProtectedCell[V], ...]
    policy: DisclosurePolicy
    rounding_base: int | None = None
    kind: Literal["counts", "sums"] = "counts"
    _index: dict[Key, ProtectedCell[V]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        self._index.update({cell.key: cell for cell in (*self.cells, *self.margins)})

    def __getitem__(self, key: Key) -> ProtectedCell[V]:
        """Return the cell or margin with this key (None in the totalled dimensions)."""
        return self._index[tuple(key)]

    def __iter__(self) -> Iterator[ProtectedCell[V]]:
        """Iterate over cells, then margins."""
        return iter((*self.cells, *self.margins))

    @property
    def total(self) -> ProtectedCell[V]:
        """Return the grand total."""
        return self.margins[-1]

    @property
    def suppressed_keys(self) -> tuple[Key, ...]:
        """Return the keys of every suppressed cell and margin."""
        return tuple(cell.key for cell in self if cell.suppressed)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly dict for event payloads."""
        return {
            "dimensions": list(self.dimensions),
            "levels": [list(labels) for labels in self.levels],
            "rounding_base": self.rounding_base,
            "policy": self.policy.as_dict(),
            "cells": [cell.as_dict() for cell in self.cells],
            "margins": [cell.as_dict() for cell in self.margins],
        }
