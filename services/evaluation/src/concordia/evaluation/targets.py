"""The charter's targets as floor, aim and ceiling, from a charter v2 or converted from v1.

Charter v2 targets carry ``min_share`` (floor), ``aim_share`` and ``max_share`` (ceiling). A v1
charter has only a minimum and a maximum: the built-in v1 defaults are read as the coalition's
v2 defaults (women 40-60 % aiming at 50 %, non-Russian origin at least 15 % aiming at 20 %, no
ceiling: more is never a miss), any other v1 target as floor = minimum, ceiling = maximum.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

Status = Literal["met", "below_floor", "above_ceiling", "no_data"]


@dataclass(frozen=True)
class Bounds:
    """A target's floor, aim and ceiling (shares 0..1; None where the charter sets none)."""

    indicator: str
    floor: Decimal | None
    aim: Decimal | None
    ceiling: Decimal | None

    def status(self, value: Decimal | None) -> Status:
        """Met when floor <= value <= ceiling (where they exist)."""
        if value is None:
            return "no_data"
        if self.floor is not None and value < self.floor:
            return "below_floor"
        if self.ceiling is not None and value > self.ceiling:
            return "above_ceiling"
        return "met"

    def aim_reached(self, value: Decimal | None) -> bool | None:
        """Whether the value reaches the aim (None without an aim or a value)."""
        if value is None or self.aim is None:
            return None
        return value >= self.aim


#: The coalition's v2 targets (issue 12), used for the built-in v1 defaults.
V2_DEFAULTS: dict[str, Bounds] = {
    "women_share": Bounds("women_share", Decimal("0.40"), Decimal("0.50"), Decimal("0.60")),
    "non_russian_share": Bounds("non_russian_share", Decimal("0.15"), Decimal("0.20"), None),
}


def bounds_of(target: Any, *, built_in: bool) -> Bounds:
    """One charter target as ``Bounds``."""
    if hasattr(target, "aim_share"):  # charter v2
        return Bounds(target.indicator, target.min_share, target.aim_share, target.max_share)
    if built_in and target.indicator in V2_DEFAULTS:
        return V2_DEFAULTS[target.indicator]
    return Bounds(target.indicator, target.min_share, None, target.max_share)


def charter_bounds(charter: Any) -> dict[str, Bounds]:
    """Every target of ``charter`` by indicator, the v2 defaults for those it lacks."""
    built_in = getattr(charter, "revision", 0) == 0
    found = {t.indicator: bounds_of(t, built_in=built_in) for t in getattr(charter, "targets", ())}
    return {**V2_DEFAULTS, **found}
