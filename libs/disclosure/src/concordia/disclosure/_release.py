"""The release rule between two versions of one published table (differencing): pure functions.

Two releases of one table, subtracted, must not single out a contributor. A new version is
released only when some published cell differs from the last release and every such cell differs
because at least ``k`` contributors changed what they add to it. Under a new charter (new
thresholds or rounding) a cell whose contributors did not change may change only towards less:
a cell hidden in the last release stays hidden. The caller keeps the releases and the
contributions (hashed, with ``normalise_contributions``); this module only judges them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Protocol

#: A published cell's key; ``total`` (default ``"_all"``) marks a margin's summed dimension.
ReleaseKey = tuple[str, ...]
#: What each (hashed) contributor adds to each inner cell, amounts as Decimal.
Amounts = Mapping[str, Mapping[ReleaseKey, Decimal]]
#: The margin marker of ``concordia.events.aggregates.ALL``; a parameter, so no import is needed.
TOTAL = "_all"


class PublishedCell(Protocol):
    """A cell as it was (or would be) published: compared by value, and hidden or not."""

    @property
    def suppressed(self) -> bool:
        """Whether the cell is hidden."""
        ...


class Release(Protocol):
    """A table about to be released: its published cells and who stands behind them."""

    @property
    def contributions(self) -> Mapping[str, Mapping[ReleaseKey, Decimal | int]]:
        """What each contributor (not yet hashed) adds to each inner cell."""
        ...

    def published(self) -> Mapping[ReleaseKey, PublishedCell]:
        """Every published cell (inner and margins) by key."""
        ...


def _share(adds: Mapping[ReleaseKey, Decimal] | None, key: ReleaseKey, total: str) -> Decimal:
    """What one contributor adds to the cell ``key`` (a margin sums the cells it covers)."""
    if not adds:
        return Decimal(0)
    if key in adds:
        return adds[key]
    return sum(
        (
            amount
            for inner, amount in adds.items()
            if all(want in (total, part) for want, part in zip(key, inner, strict=True))
        ),
        Decimal(0),
    )


def changed_contributors(
    before: Amounts, after: Amounts, key: ReleaseKey, *, total: str = TOTAL
) -> int:
    """How many contributors add something else to the cell ``key`` than they did before."""
    movers = (w for w in before.keys() | after.keys() if before.get(w) != after.get(w))
    return sum(
        _share(before.get(w), key, total) != _share(after.get(w), key, total) for w in movers
    )


def releasable(
    last: Mapping[ReleaseKey, PublishedCell] | None,
    before: Amounts,
    draft: Release,
    k: int,
    *,
    new_rules: bool = False,
    total: str = TOTAL,
) -> bool:
    """The release rule (module docstring): a first release, or every changed cell has k.

    Under ``new_rules`` (a new charter) the table may be released although no cell changed, and
    a cell whose contributors did not change may change, but only towards less: a cell hidden
    in the last release stays hidden. Revealing it would let the last release's margins give
    away the cell it was hidden with (a lower k is for the next period). A cell whose
    contributors changed still needs k of them.
    """
    if last is None:
        return True
    after = normalise_contributions(draft.contributions)
    cells = draft.published()
    changed = [key for key, cell in cells.items() if last.get(key) != cell]
    moved = {key: changed_contributors(before, after, key, total=total) for key in changed}
    if new_rules:
        return all(
            n >= k or (n == 0 and not _revealed(last.get(key), cells[key]))
            for key, n in moved.items()
        )
    return bool(changed) and all(n >= k for n in moved.values())


def _revealed(before: PublishedCell | None, now: PublishedCell) -> bool:
    """Whether ``now`` shows a value the cell's last release hid."""
    return before is not None and before.suppressed and not now.suppressed


def normalise_contributions(
    contributions: Mapping[str, Mapping[ReleaseKey, Decimal | int]],
) -> dict[str, dict[ReleaseKey, Decimal]]:
    """Contributions by hashed contributor, amounts as Decimal, zeros left out."""
    return {
        _pseudonym(who): {tuple(key): Decimal(amount) for key, amount in adds.items() if amount}
        for who, adds in contributions.items()
        if any(adds.values())
    }


def _pseudonym(who: str) -> str:
    return hashlib.sha256(who.encode()).hexdigest()[:16]
