"""What every service shares about publishing aggregate snapshots: how a new version is
released, the reporting periods, and the background loop (the store is ``snapshot_store``).

A service decides *what* to publish (its tables, through ``concordia.disclosure``, as
``Draft``s); this module decides *how*: a release is stored exactly as it is sent, in the same
unit of work as its outbox row; nothing is ever edited.

**The release rule (differencing)**, judged by ``concordia.disclosure.releasable`` (pure).
Two releases of one table, subtracted, must not single out a contributor (a person, a recipient,
an activity). So a new version of a table is released only when

* some published cell differs from the last release (a value changed, or a cell became or
  stopped being suppressed), and
* every such cell differs because at least ``k`` contributors changed what they add to it
  (joined it, left it, or added a different amount).

Otherwise the last release stands (the change is *held*) and the contributions behind it keep
gathering until every changed cell is covered; then all of them leave together. Margins are
cells too, so one grant added to a suppressed cell still shows in its row total and holds the
table. A cell that flips suppression because of another cell's change (complementary
suppression) has no contributor of its own changed, so it holds the table as well: revealing it
would let its old value be recovered from old margins. What each contributor adds to each
cell is kept at home with the release (``contributions``, contributor ids hashed), never sent.

A new charter (new thresholds or rounding) releases a table under its rules only if no cell
hidden in the last release is shown by the rules alone: a stricter charter (more hidden, other
rounding) takes effect at once, a laxer one from the period's next release that k contributors
make, or from the next period. A cell whose contributors changed still needs ``k`` of them.

A first release of a period is free, except for *stock* tables (counts of what exists now,
like the registry's persons): their first release in a new quarter is judged against the last
release of the quarter before, which is otherwise the same table under another label.

**No blocking.** ``Publisher.publish`` reads in a read unit of work, protects and applies the
rule in a worker thread (the disclosure rules sort Fractions: CPU-heavy), and only then takes
the write lock for a short unit of work that stores the releases. If another computation
released the same table meanwhile (its version is taken), that table waits for the next round.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database
from concordia.disclosure import normalise_contributions, releasable
from concordia.events.aggregates import (
    ALL,
    MAX_AMOUNT,
    AggregateSnapshotPublished,
    Cell,
    bounds_violation,
)
from concordia.events.runtime.snapshot_store import Key, Released, SnapshotStore

log = logging.getLogger("concordia.events.snapshots")
_CENT = Decimal("0.01")
T = TypeVar("T")
#: What each contributor adds to each inner cell: ``{contributor: {cell key: amount}}``.
Contributions = Mapping[str, Mapping[Key, Decimal | int]]


def quarter_of(day: date) -> str:
    """The reporting period of a day: its calendar quarter, e.g. ``2026-Q4``."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(period: str) -> tuple[date, date]:
    """First and last day of a ``YYYY-Qn`` period."""
    year, quarter = int(period[:4]), int(period[-1])
    first = date(year, 3 * quarter - 2, 1)
    after = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return first, after - timedelta(days=1)


def published_cells(cells: Iterable[Any]) -> tuple[Cell, ...]:
    """Protected cells (``concordia.disclosure.ProtectedCell``) as they may leave the node.

    The suppression reason stays home: "threshold" would bound a hidden count to 1..k-1,
    "dominance" would say that one or two contributors hold most of a hidden sum.
    """
    out = []
    for cell in cells:
        key = tuple(ALL if part is None else part for part in cell.key)
        if cell.suppressed:
            out.append(Cell(key=key, suppressed=True))
            continue
        value = cell.value
        if isinstance(value, Decimal) and value.is_finite() and abs(value) <= MAX_AMOUNT:
            value = value.quantize(_CENT)  # money leaves exact to the cent
        money = isinstance(value, Decimal)
        # A value no honest node has (a bug, a corrupt row) stops the release here.
        why = bounds_violation(None if money else value, value if money else None)
        if why is not None:
            raise ValueError(f"cell {list(key)} cannot be published: {why}")
        out.append(Cell(key=key, amount=value) if money else Cell(key=key, value=value))
    return tuple(out)


@dataclass(frozen=True)
class Draft:
    """One protected table of one period, ready to release, and who stands behind its cells.

    ``contributions`` stays home; the rest is what leaves. Example::

        Draft(name="persons_by_profession", period="2026-Q4", dimensions=("profession",),
              cells=published_cells(protected.cells), margins=published_cells(protected.margins),
              contributions={"person:3f2a...": {("it",): 1}})
    """

    name: str
    period: str
    dimensions: tuple[str, ...]
    cells: tuple[Cell, ...]
    margins: tuple[Cell, ...]
    contributions: Contributions = field(default_factory=dict)
    measure: str = "persons"
    #: The table counts what exists now (a stock, like registered persons), not what happened in
    #: its period: its first release in a new period is judged against the previous period's.
    stock: bool = False

    def published(self) -> dict[Key, Cell]:
        """Every published cell (inner and margins) by key."""
        return {cell.key: cell for cell in (*self.cells, *self.margins)}


def consistent_totals(drafts: Sequence[Draft]) -> list[Draft]:
    """Hide the grand total of every draft if any of them (a group sharing it) had to hide it."""
    grand = [c for d in drafts for c in d.margins if all(part == ALL for part in c.key)]
    if not any(c.suppressed for c in grand):
        return list(drafts)
    return [
        replace(
            d,
            margins=tuple(
                Cell(key=c.key, suppressed=True) if all(p == ALL for p in c.key) else c
                for c in d.margins
            ),
        )
        for d in drafts
    ]


def preceding(last: Mapping[tuple[str, str], Released], draft: Draft) -> Released | None:
    """The newest release of ``draft``'s table in an earlier period (for stock tables)."""
    earlier = [p for (name, p) in last if name == draft.name and p < draft.period]
    return last[(draft.name, max(earlier))] if earlier else None


#: The fingerprint of the inputs of each (database, service)'s last completed round.
_COMPLETED: dict[tuple[str, str], object] = {}


@dataclass(frozen=True, slots=True)
class Publisher:
    """How one service publishes: who it is, where releases go, and its ``k``.

    Example::

        publisher = Publisher(db, snapshots, node="se", service="ledger", k=10,
                              emit=lambda session, events: outbox.add_many(session, events, ...))
        released = await publisher.publish(gather=read_rows, protect=make_drafts, at=now())
    """

    db: Database
    store: SnapshotStore
    node: str
    service: str
    k: int
    emit: Callable[[AsyncSession, list[AggregateSnapshotPublished]], Awaitable[None]]
    #: The charter whose rules made the drafts; a new charter is a new round, not a skip.
    charter_version: str = "default"
    #: Signs each release with the node key (``event_signer``); None: releases go unsigned.
    sign: Callable[[AggregateSnapshotPublished], AggregateSnapshotPublished] | None = None

    async def publish(
        self,
        *,
        gather: Callable[[AsyncSession], Awaitable[T]],
        protect: Callable[[T], Sequence[Draft]],
        at: datetime,
        fingerprint: Callable[[AsyncSession], Awaitable[object]] | None = None,
    ) -> list[AggregateSnapshotPublished]:
        """Read, protect off the event loop, then release what the rule allows (module doc).

        ``fingerprint`` (cheap, read before ``gather``) lets a round whose inputs did not change
        since this process's last completed round skip reading and protecting everything.
        """
        seen = (self.db.url, self.service)
        async with self.db.unit_of_work(write=False) as session:
            mark = None if fingerprint is None else await fingerprint(session)
            if mark is not None and _COMPLETED.get(seen) == (mark, self.charter_version):
                return []
            data = await gather(session)
            last = await self.store.last_releases(session)
        chosen = await asyncio.to_thread(self._choose, protect, data, last)
        released: list[AggregateSnapshotPublished] = []
        if chosen:
            async with self.db.unit_of_work() as session:
                for event, contributions in chosen:
                    if await self.store.store(session, event, contributions=contributions, at=at):
                        released.append(event)
                await self.emit(session, released)
        if mark is not None:  # read before the data: a later write changes it again
            _COMPLETED[seen] = (mark, self.charter_version)
        return released

    def _choose(
        self,
        protect: Callable[[T], Sequence[Draft]],
        data: T,
        last: dict[tuple[str, str], Released],
    ) -> list[tuple[AggregateSnapshotPublished, dict[str, dict[Key, Decimal]]]]:
        chosen = []
        for draft in protect(data):
            before = last.get((draft.name, draft.period))
            judge = before or (preceding(last, draft) if draft.stock else None)
            if not releasable(
                None if judge is None else judge.cells,
                {} if judge is None else judge.contributions,
                draft,
                self.k,
                new_rules=judge is not None and judge.charter_version != self.charter_version,
                total=ALL,
            ):
                continue
            start, end = quarter_bounds(draft.period)
            event = AggregateSnapshotPublished(
                node=self.node, service=self.service, aggregate=draft.name, period=draft.period,
                period_start=start, period_end=end,
                version=1 if before is None else before.version + 1,
                charter_version=self.charter_version,
                measure=draft.measure, dimensions=draft.dimensions, cells=draft.cells,
                margins=draft.margins,
            )  # fmt: skip
            if self.sign is not None:
                event = self.sign(event)
            chosen.append((event, normalise_contributions(draft.contributions)))
        return chosen


async def run_publisher(
    publish: Callable[[], Awaitable[object]],
    *,
    interval: float,
    is_leader: Callable[[], bool] = lambda: True,
) -> None:
    """Call ``publish()`` every ``interval`` s until cancelled (it takes its own units of work).

    Only the worker that ``is_leader`` (the one holding the outbox relay's lease) publishes, so
    several uvicorn workers do not all scan their database for one release.
    """
    while True:
        await asyncio.sleep(interval)
        if not is_leader():
            continue
        try:
            await publish()
        except IntegrityError:
            # Another worker released this version first; the primary key kept one copy.
            log.info("aggregate version already published by another worker")
        except Exception:  # keep publishing next round; the failure is logged with its cause
            log.exception("aggregate publication failed")
