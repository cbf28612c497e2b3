"""Charts drawn on the server as SVG: no JavaScript, nothing loaded from anywhere.

Each chart is a small dataclass with its geometry worked out here; ``templates/_charts.html``
draws it. Every chart has a title and a description for assistive technology, and every chart
on a page sits beside a table with the same numbers (and its CSV download).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from concordia.web.tables import SUPPRESSED

#: Okabe-Ito: told apart by readers with any common colour vision deficiency.
PALETTE: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
)  # fmt: skip

Number = int | float | Decimal


@dataclass(frozen=True)
class Segment:
    """One part of a bar."""

    series: str
    value: Number
    x: float
    width: float
    colour: str


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its parts, its total, and whether a part is withheld."""

    label: str
    y: float
    segments: tuple[Segment, ...]
    total: Number
    incomplete: bool


@dataclass(frozen=True)
class StackedBars:
    """Horizontal stacked bars: one bar per category, one colour per series."""

    id: str
    title: str
    description: str
    bars: tuple[Bar, ...]
    legend: tuple[tuple[str, str], ...]
    width: int
    height: int
    plot_x: int
    plot_width: int
    bar_height: int
    kind: str = "stacked"


def stacked_bars(
    id_: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[str],
    values: Mapping[tuple[str, str], Any],
    *,
    width: int = 720,
    label_width: int = 220,
    bar_height: int = 22,
    gap: int = 8,
) -> StackedBars:
    """Bars of ``values[(category, series)]``; a ``SUPPRESSED`` or missing part marks the bar."""
    plot_width = width - label_width - 120
    totals: dict[str, Number] = {}
    incomplete: dict[str, bool] = {}
    for category in categories:
        parts = [values.get((category, s)) for s in series]
        totals[category] = sum((p for p in parts if isinstance(p, int | float | Decimal)), 0)
        incomplete[category] = any(p is SUPPRESSED for p in parts)
    top = max((float(v) for v in totals.values()), default=0.0) or 1.0
    bars = []
    for row, category in enumerate(categories):
        x, segments = float(label_width), []
        for index, name in enumerate(series):
            value = values.get((category, name))
            if not isinstance(value, int | float | Decimal) or value == 0:
                continue
            w = float(value) / top * plot_width
            segments.append(Segment(name, value, x, w, PALETTE[index % len(PALETTE)]))
            x += w
        bars.append(
            Bar(category, 10 + row * (bar_height + gap), tuple(segments), totals[category],
                incomplete[category])
        )  # fmt: skip
    legend = tuple((name, PALETTE[i % len(PALETTE)]) for i, name in enumerate(series))
    height = 20 + len(categories) * (bar_height + gap)
    return StackedBars(
        id_, title, description, tuple(bars), legend, width, height, label_width, plot_width,
        bar_height,
    )  # fmt: skip


@dataclass(frozen=True)
class Band:
    """A share against its target: a band (floor to ceiling) or a floor, and the aim."""

    id: str
    title: str
    description: str
    share: float | None
    low: float | None
    high: float | None
    aim: float | None
    met: bool | None
    width: int = 720
    plot_x: int = 20
    plot_width: int = 680
    kind: str = "band"

    def x(self, share: float) -> float:
        """Where a share (0..1) sits on the axis."""
        return self.plot_x + max(0.0, min(1.0, share)) * self.plot_width


def band(
    id_: str, title: str, description: str, share: Number | None, *,
    low: Number | None, high: Number | None, aim: Number | None, met: bool | None,
) -> Band:  # fmt: skip
    """A share on a 0-100 % axis with its target band shaded."""

    def f(v: Number | None) -> float | None:
        return None if v is None else float(v)

    return Band(id_, title, description, f(share), f(low), f(high), f(aim), met)


@dataclass(frozen=True)
class Point:
    """One period of a trend."""

    label: str
    value: Number | None
    x: float
    y: float | None


@dataclass(frozen=True)
class Trend:
    """A line over periods; a period without a value (withheld, unknown) breaks the line."""

    id: str
    title: str
    description: str
    points: tuple[Point, ...]
    paths: tuple[str, ...]
    width: int
    height: int
    top: Number
    kind: str = "trend"


def trend(
    id_: str, title: str, description: str, points: Sequence[tuple[str, Number | None]],
    *, width: int = 720, height: int = 200,
) -> Trend:  # fmt: skip
    """A trend chart of ``(period, value)`` in order."""
    known = [float(v) for _, v in points if v is not None]
    top = max(known, default=0.0) or 1.0
    step = (width - 80) / max(1, len(points) - 1)
    placed: list[Point] = []
    paths: list[str] = []
    current: list[str] = []
    for i, (label, value) in enumerate(points):
        x = 50 + i * step
        y = None if value is None else 20 + (1 - float(value) / top) * (height - 60)
        placed.append(Point(label, value, x, y))
        if y is None:
            if current:
                paths.append(" ".join(current))
            current = []
        else:
            current.append(f"{'M' if not current else 'L'}{x:.1f},{y:.1f}")
    if current:
        paths.append(" ".join(current))
    return Trend(id_, title, description, tuple(placed), tuple(paths), width, height, top)


#: Where each federal district sits on the tile map (column, row): roughly west to east.
DISTRICT_TILES: dict[str, tuple[int, int]] = {
    "northwestern": (1, 0), "central": (1, 1), "volga": (2, 1), "ural": (3, 1),
    "siberian": (4, 1), "far_eastern": (5, 1), "southern": (1, 2), "north_caucasian": (2, 2),
    "ukraine_occupied": (0, 2),
}  # fmt: skip


@dataclass(frozen=True)
class Tile:
    """One district on the tile map."""

    code: str
    label: str
    value: Any
    x: int
    y: int
    shade: str
    ink: str


@dataclass(frozen=True)
class TileMap:
    """The federal districts as equal tiles, shaded by how many are represented."""

    id: str
    title: str
    description: str
    tiles: tuple[Tile, ...]
    width: int
    height: int
    size: int
    kind: str = "tiles"
    notes: tuple[str, ...] = field(default=())


def tile_map(
    id_: str, title: str, description: str, values: Mapping[str, Any], labels: Mapping[str, str],
    *, size: int = 110,
) -> TileMap:  # fmt: skip
    """Tiles of the districts; a district's shade grows with its count (none: white)."""
    counts = [float(v) for v in values.values() if isinstance(v, int | float | Decimal)]
    top = max(counts, default=0.0) or 1.0
    tiles = []
    for code, (col, row) in DISTRICT_TILES.items():
        value = values.get(code)
        if isinstance(value, int | float | Decimal) and value > 0:
            level = 0.25 + 0.75 * float(value) / top
            shade = _blend(level)
            ink = "#ffffff" if level > 0.55 else "#111111"
        else:
            shade, ink = ("#eeeeee" if value is SUPPRESSED else "#ffffff"), "#111111"
        tiles.append(Tile(code, labels.get(code, code), value, col * size, row * size, shade, ink))
    return TileMap(id_, title, description, tuple(tiles), 6 * size, 3 * size, size)


def _blend(level: float) -> str:
    # From a pale blue to PALETTE[0], the darker the more.
    low, high = (0xD6, 0xE9, 0xF5), (0x00, 0x4A, 0x80)
    rgb = (round(a + (b - a) * level) for a, b in zip(low, high, strict=True))
    return "#" + "".join(f"{c:02x}" for c in rgb)
