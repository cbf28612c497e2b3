"""The parameters of disclosure control, bundled so a charter can set them in one place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Reason(StrEnum):
    """Why a cell is suppressed; the value is its JSON form.

    A reason is for the node's own records. Sent out with a count, it bounds the hidden value:
    ``threshold`` means below ``k``, ``complementary`` means at least ``k``. Publish reasons only
    under a policy with ``reasons_published=True``, which protects against those bounds too.
    """

    THRESHOLD = "threshold"
    COMPLEMENTARY = "complementary"
    DOMINANCE = "dominance"
    P_PERCENT = "p_percent"


@dataclass(frozen=True, slots=True)
class DisclosurePolicy:
    """Parameters of statistical disclosure control; the defaults are the charter defaults.

    Example::

        policy = DisclosurePolicy(k=10, zeros_disclosive=True, rounding_base=5)
        protected = protect_counts(table, policy)

    ``min_contributors`` is the threshold for money cells; ``None`` means "use ``k``", so a sum
    over fewer than ``k`` people (or organisations) is never published. ``dominance_n``/
    ``dominance_k`` and ``p_percent`` switch their rule off when ``None``. ``rounding_base``
    applies to published counts only. Whatever the policy, no suppressed cell or margin is
    recoverable exactly, nor pinned to one value by what an attacker knows of its range (below);
    ``protection_width`` (off by default) additionally demands that every primary suppression's
    feasible interval, as an attacker computes it from the published cells, the margins and
    those ranges, is at least that wide (counts: persons; sums: money). It solves two small
    exact LPs per suppressed cell and round, so it suits tables of tens of cells, not thousands.

    What the attacker is assumed to know of a suppressed value beforehand follows the policy:
    it is never negative (for money sums that is all). With ``zeros_disclosive=False`` zeros are
    published, so every hidden count is at least 1 (complementary suppression never hides a zero
    count). ``reasons_published`` says whether the reasons leave the node with the table; by
    default they do not, and they should not: a ``threshold`` count lies in ``1..k-1``
    (``0..k-1`` with disclosive zeros) and a ``complementary`` one is at least ``k``. With
    ``reasons_published=True``, protection accounts for those bounds too; some tables then cannot
    be protected at all (with ``k=3`` and zeros published, two cells of 1 under a total of 2 are
    known whatever is hidden), and ``protect_counts`` raises ``ValueError`` rather than publish
    them.
    """

    k: int = 10
    zeros_disclosive: bool = False
    min_contributors: int | None = None
    dominance_n: int | None = 2
    dominance_k: Decimal | int | None = 85
    p_percent: Decimal | int | None = 10
    rounding_base: int | None = None
    protection_width: Decimal | int | None = None
    reasons_published: bool = False

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError("k must be at least 1")
        if self.min_contributors is not None and self.min_contributors < 1:
            raise ValueError("min_contributors must be at least 1")
        if (self.dominance_n is None) != (self.dominance_k is None):
            raise ValueError("dominance_n and dominance_k are set or cleared together")
        if self.dominance_n is not None and self.dominance_n < 1:
            raise ValueError("dominance_n must be at least 1")
        if self.dominance_k is not None and not 0 < Decimal(self.dominance_k) <= 100:
            raise ValueError("dominance_k is a percentage in (0, 100]")
        if self.p_percent is not None and Decimal(self.p_percent) < 0:
            raise ValueError("p_percent must not be negative")
        if self.rounding_base is not None and self.rounding_base < 1:
            raise ValueError("rounding_base must be at least 1")
        if self.protection_width is not None and Decimal(self.protection_width) < 0:
            raise ValueError("protection_width must not be negative")

    @property
    def contributor_threshold(self) -> int:
        """The minimum number of contributors for a published money cell."""
        return self.k if self.min_contributors is None else self.min_contributors

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly dict (percentages and widths as strings)."""
        return {
            "k": self.k,
            "zeros_disclosive": self.zeros_disclosive,
            "min_contributors": self.min_contributors,
            "dominance_n": self.dominance_n,
            "dominance_k": _str_or_none(self.dominance_k),
            "p_percent": _str_or_none(self.p_percent),
            "rounding_base": self.rounding_base,
            "protection_width": _str_or_none(self.protection_width),
            "reasons_published": self.reasons_published,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DisclosurePolicy:
        """Build a policy from ``as_dict`` output (e.g. a charter); missing keys take defaults."""
        kwargs: dict[str, Any] = dict(data)
        for name in ("dominance_k", "p_percent", "protection_width"):
            if kwargs.get(name) is not None:
                kwargs[name] = Decimal(str(kwargs[name]))
        return cls(**kwargs)


DEFAULT_POLICY = DisclosurePolicy()


def _str_or_none(value: Decimal | int | None) -> str | None:
    return None if value is None else str(value)
