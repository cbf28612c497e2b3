"""Where the entries of a 1-D or 2-D table with margins sit, and which equations tie them.

Entries are numbered so that a 2-D table with ``m`` rows and ``n`` columns is an
``(m + 1) x (n + 1)`` grid in row-major order whose last row holds the column totals, whose last
column holds the row totals and whose corner holds the grand total. Every grid row and grid
column is one *line*: its other entries add up to its last entry. A 1-D table with ``n`` cells is
a single line of ``n + 1`` entries, the last being the total.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._linear import Equation


@dataclass(frozen=True, slots=True)
class Layout:
    """The shape of a table (levels per dimension) and the entries and lines that follow."""

    shape: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.shape) not in (1, 2):
            raise ValueError("only one- and two-dimensional tables are supported")
        if any(size < 1 for size in self.shape):
            raise ValueError("every dimension needs at least one level")

    @property
    def width(self) -> int:
        """Entries per grid row (the last dimension's levels plus its total)."""
        return self.shape[-1] + 1

    @property
    def size(self) -> int:
        """Number of entries, margins included."""
        if len(self.shape) == 1:
            return self.width
        return (self.shape[0] + 1) * self.width

    def coordinates(self, entry: int) -> tuple[int | None, ...]:
        """Level index per dimension, None where the entry is a total over that dimension."""
        if len(self.shape) == 1:
            return (None if entry == self.shape[0] else entry,)
        row, column = divmod(entry, self.width)
        return (
            None if row == self.shape[0] else row,
            None if column == self.shape[1] else column,
        )

    def entry(self, coordinates: tuple[int | None, ...]) -> int:
        """Inverse of ``coordinates``."""
        indices = [
            size if index is None else index
            for index, size in zip(coordinates, self.shape, strict=True)
        ]
        if len(indices) == 1:
            return indices[0]
        return indices[0] * self.width + indices[1]

    def arc(self, entry: int) -> tuple[int, int, int]:
        """Return ``(tail, head, sign)``: the entry as an edge of the table's graph.

        Nodes are the grid rows then the grid columns (for 1-D: the line and a free node). With
        ``y = sign * value`` every node's incident ``y`` sum to zero, so changes that keep the
        published entries fixed are circulations: flows along ``tail -> head`` of ``y``.
        """
        coordinates = self.coordinates(entry)
        sign = -1 if coordinates.count(None) == 1 else 1
        if len(self.shape) == 1:
            return 0, 1, sign
        row, column = divmod(entry, self.width)
        return row, self.shape[0] + 1 + column, sign

    @property
    def node_count(self) -> int:
        """Number of nodes of the table's graph."""
        return 2 if len(self.shape) == 1 else self.shape[0] + 1 + self.width

    def is_margin(self, entry: int) -> bool:
        """Return True if the entry is a total over at least one dimension."""
        return None in self.coordinates(entry)

    def lines(self) -> list[list[int]]:
        """Every line: its entries, the total last."""
        if len(self.shape) == 1:
            return [list(range(self.width))]
        rows, width = self.shape[0] + 1, self.width
        grid_rows = [[row * width + column for column in range(width)] for row in range(rows)]
        grid_columns = [[row * width + column for row in range(rows)] for column in range(width)]
        return grid_rows + grid_columns

    def equations(self) -> list[Equation]:
        """One equation per line: the entries minus the total are zero."""
        equations: list[Equation] = []
        for line in self.lines():
            equation = dict.fromkeys(line[:-1], 1)
            equation[line[-1]] = -1
            equations.append(equation)
        return equations
