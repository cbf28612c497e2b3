"""Plurality targets on activities: women (a band) and non-Russian origin (a floor and an aim).

Shares count participants who disclosed the dimension: women among women, men and other
genders; non-Russian among Russian and non-Russian origin. Pure functions, no I/O.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from concordia.evaluation.targets import Bounds


@dataclass(frozen=True)
class ActivityCounts:
    """One activity's participant counts."""

    id: uuid.UUID
    kind: str
    women: int
    men: int
    gender_other: int
    russian: int
    non_russian: int


def _ratio(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


def women_share(a: ActivityCounts) -> Decimal | None:
    """Women among participants with a disclosed gender."""
    return _ratio(a.women, a.women + a.men + a.gender_other)


def non_russian_share(a: ActivityCounts) -> Decimal | None:
    """Non-Russian among participants with a disclosed origin."""
    return _ratio(a.non_russian, a.russian + a.non_russian)


MEASURES = {"women_share": women_share, "non_russian_share": non_russian_share}


def _pooled(indicator: str, activities: list[ActivityCounts]) -> Decimal | None:
    if indicator == "women_share":
        women = sum(a.women for a in activities)
        return _ratio(women, women + sum(a.men + a.gender_other for a in activities))
    non = sum(a.non_russian for a in activities)
    return _ratio(non, non + sum(a.russian for a in activities))


def _bound(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def target_status(bounds: Bounds, activities: list[ActivityCounts]) -> dict[str, Any]:
    """Per activity and programme, pooled, and the share of events inside the target."""
    measure = MEASURES[bounds.indicator]
    rows = []
    for a in activities:
        value = measure(a)
        rows.append({"activity_id": str(a.id), "kind": a.kind, "value": _bound(value),
                     "status": bounds.status(value)})  # fmt: skip
    events = [r for r in rows if r["kind"] == "event" and r["status"] != "no_data"]
    inside = sum(1 for r in events if r["status"] == "met")
    pooled = {kind: _pooled(bounds.indicator, [a for a in activities if a.kind == kind])
              for kind in ("event", "programme")}  # fmt: skip
    everything = _pooled(bounds.indicator, activities)
    return {
        "indicator": bounds.indicator,
        "floor": _bound(bounds.floor), "aim": _bound(bounds.aim),
        "ceiling": _bound(bounds.ceiling),
        "pooled": {"value": _bound(everything), "status": bounds.status(everything),
                   "aim_reached": bounds.aim_reached(everything)},
        "by_kind": {kind: {"value": _bound(v), "status": bounds.status(v)}
                    for kind, v in pooled.items()},
        "events_inside": None if not events else round(inside / len(events), 4),
        "activities": rows,
    }  # fmt: skip
