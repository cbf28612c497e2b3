"""Rounds of secure aggregation at the hub, and what it keeps of them.

For each table the charter lists as secure (``CharterPublished.secure``) and each period, the hub
runs two rounds with the nodes of the directory whose service runs the current charter:

1. ``count``: every node contributes 1 for each cell it populates, so the hub learns how many
   nodes populate each cell and nothing else;
2. ``sum`` over the cells with at least ``MIN_CONTRIBUTORS`` contributing nodes (a cell that one
   or two nodes populate *is* their values), with the charter's epsilon when it sets one (each
   node adds its share of the noise). Its roster is the count round's survivors; a node that
   drops out of the sum round lowers every cell's guaranteed count, and a cell whose count no
   longer holds is suppressed.

Then the coalition-level rules (``concordia.disclosure``: threshold, complementary suppression,
rounding of counts; money is not rounded) apply to the opened exact totals, rounding only to
the noisy ones of a table under differential privacy (the noise protects them), and the
release is kept (``SecureRelease``) with its signed statement: the table's log, sent to the
nodes with the next round. One release per table, period and phase: a period is never
computed twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from nats.aio.client import Client
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database
from concordia.disclosure import (
    CountTable,
    DisclosurePolicy,
    money_bounds_reason,
    protect_counts,
)
from concordia.events import CharterPublished, SecureTable, quarter_of
from concordia.hub.charter import service as charters
from concordia.hub.models import SecureRelease, ServiceStatus
from concordia.hub.schemas import AggregateTotal, CellTotal
from concordia.identity import RAW_DOMAIN, SignedDocument, parse_directory
from concordia.identity import PublicKey as IdentityKey
from concordia.kit.secure import is_money, recipients_cell, top_cell
from concordia.secagg import Release, RoundHeader
from concordia.secagg.transport import Coordinator, Outcome

log = logging.getLogger(__name__)

#: A cell opens only with at least this many contributing nodes.
MIN_CONTRIBUTORS = 3


class DirectoryVerifier:
    """``concordia.secagg.Verifier`` over the coalition directory the hub keeps (re-read when
    the file changes): the nodes' raw signatures (``NodeIdentity.sign``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._mtime: float | None = None
        self._keys: dict[str, IdentityKey] = {}

    def keys(self) -> dict[str, IdentityKey]:
        """Member code -> public key (empty without a directory)."""
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            return {}
        if mtime != self._mtime:
            document = SignedDocument.model_validate(json.loads(self.path.read_text()))
            self._keys, self._mtime = parse_directory(document).keys(), mtime
        return self._keys

    def verify(self, node: str, data: bytes, signature: bytes) -> bool:
        key = self.keys().get(node)
        return key is not None and key.verify(RAW_DOMAIN + data, signature)


@dataclass(frozen=True)
class Limits:
    """How rounds are run: timeouts, bounds, colluders tolerated, coalition-level rules."""

    step_timeout: float = 30.0
    count_bound: int = 10_000_000
    money_bound: int = 2**40
    colluders: int = 0


@dataclass
class RoundReport:
    """What one attempt at a table and period came to (kept in memory, shown by the API)."""

    table: str
    period: str
    status: str  # released | failed | skipped
    detail: str = ""
    roster: list[str] = field(default_factory=list)
    refusals: list[dict[str, str]] = field(default_factory=list)
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


def _is_money(spec: SecureTable) -> bool:
    return is_money(spec.measure)


def _complete(hidden: dict[str, str], values: Mapping[str, int]) -> None:
    """A lone suppressed cell follows from the table's total (known elsewhere, for instance
    from another table of the same grand total): suppress the smallest other non-zero one."""
    if len(hidden) != 1:
        return
    others = [c for c, v in values.items() if c not in hidden and v > 0]
    if others:
        hidden[min(others, key=lambda c: (values[c], c))] = "complementary"


def top_ns(dominance_n: int, p_percent: Decimal | None) -> list[int]:
    """The local top-n sums a money table's sum round asks for: the dominance rule's n, and
    the top 1 and top 2 of the p % rule."""
    return sorted({dominance_n, *((1, 2) if p_percent is not None else ())})


def protect(
    spec: SecureTable, counts: Sequence[int], opened: Sequence[str], totals: Mapping[str, int],
    *, k: int, rounding_base: int | None, lost: int, dominance_n: int = 2,
    dominance_k: Decimal = Decimal(85), p_percent: Decimal | None = Decimal(10),
) -> list[dict[str, Any]]:  # fmt: skip
    """The published cells of a sum release (``totals``: the round's sums by cell).

    Cells with 1 or 2 contributing nodes are suppressed (``contributors``); a cell with none is
    a known 0 (not told under differential privacy). Exact counts then pass the coalition's
    threshold, complementary suppression (which protects the ``contributors`` cells too) and
    rounding; noisy counts are rounded only (the noise protects them; noise under 0 is
    clipped, post-processing). Money is never rounded: the nodes' local top-n sums
    (``<cell>~top<n>``) bound the coalition's top n from above, so ``concordia.disclosure``'s
    ``money_bounds_reason`` applies the (n, k) dominance rule (``dominance``) and the p % rule
    (``p_percent``, from the top 1 and top 2 bounds) conservatively, and a cell of fewer than
    ``k`` recipients over all nodes (``<cell>~recipients``) is suppressed (``threshold``), as a
    plain money table's; a lone suppressed cell gets a complement.
    """
    contributors = dict(zip(spec.cells, counts, strict=True))
    open_now = [c for c in opened if contributors[c] - lost >= MIN_CONTRIBUTORS]
    noisy = spec.epsilon is not None
    zeros = [c for c in spec.cells if contributors[c] == 0 and not noisy]
    values = {c: max(int(totals[c]), 0) for c in open_now} | dict.fromkeys(zeros, 0)
    hidden = {c: "contributors" for c in spec.cells if c not in values}
    if _is_money(spec):
        policy = DisclosurePolicy(
            k=k, dominance_n=dominance_n, dominance_k=dominance_k, p_percent=p_percent
        )
        for c in open_now:
            tops = {n: max(int(totals[top_cell(c, n)]), 0) for n in top_ns(dominance_n, p_percent)
                    if top_cell(c, n) in totals}  # fmt: skip
            recipients = max(int(totals.get(recipients_cell(c), 0)), 0)
            reason = money_bounds_reason(values[c], tops, policy, contributors=recipients)
            if reason is not None:
                hidden[c] = reason.value
        _complete(hidden, values)
    elif noisy:
        policy = DisclosurePolicy(k=1, rounding_base=rounding_base)
        table = CountTable.one_way(spec.dimension, values, list(values))
        protected = protect_counts(table, policy)
        values = {c: protected[(c,)].value or 0 for c in values}
    else:
        # A cell of too few nodes has no value the hub knows: it enters as a primary
        # suppression (a placeholder under k), so that its complement is chosen as for any.
        policy = DisclosurePolicy(k=max(k, 2), rounding_base=rounding_base)
        placeholder = dict.fromkeys(hidden, 1)
        table = CountTable.one_way(spec.dimension, values | placeholder, list(spec.cells))
        protected = protect_counts(table, policy)
        for c in spec.cells:
            cell = protected[(c,)]
            if c not in hidden and cell.suppressed:
                hidden[c] = "threshold" if cell.reason is None else str(cell.reason.value)
            elif c not in hidden:
                values[c] = cell.value or 0
    return [
        {"key": [c], "value": None, "suppressed": True, "reason": hidden[c]}
        if c in hidden
        else {"key": [c], "value": values[c], "suppressed": False, "reason": None}
        for c in spec.cells
    ]


class SecureRounds:
    """The hub's secure tables: country links (``LinkListener``), rounds and their releases.

    Example::

        rounds = SecureRounds(db, DirectoryVerifier(Path("var/hub/directory.json")), Limits())
        federation.listeners.append(rounds)
        reports = await rounds.run_period("2026-Q4")
    """

    def __init__(self, db: Database, verifier: DirectoryVerifier, limits: Limits) -> None:
        self.db, self.verifier, self.limits = db, verifier, limits
        self.clients: dict[str, Client] = {}
        self.reports: dict[tuple[str, str], RoundReport] = {}
        self._lock = asyncio.Lock()

    async def linked(self, code: str, client: Client) -> None:
        """A country's link is up."""
        self.clients[code] = client

    async def unlinked(self, code: str) -> None:
        """A country left the nodes directory."""
        self.clients.pop(code, None)

    async def roster(self, session: AsyncSession, spec: SecureTable, charter: Any) -> list[str]:
        """Linked directory members whose service runs the current charter."""
        members = set(self.verifier.keys())
        running = set(
            await session.scalars(
                select(ServiceStatus.node).where(
                    ServiceStatus.service == spec.service,
                    ServiceStatus.charter_revision == charter.revision,
                )
            )
        )
        return sorted(n for n in self.clients if n in members and n in running)

    async def run_period(
        self, period: str, tables: Sequence[str] | None = None
    ) -> list[RoundReport]:
        """Release every secure table (or those named) of ``period`` not released yet."""
        async with self._lock:
            async with self.db.unit_of_work(write=False) as session:
                charter = await charters.current(session=session)
            reports = []
            for spec in charter.secure:
                if tables is None or spec.table in tables:
                    report = await self._table(spec, period, charter)
                    self.reports[(spec.table, period)] = report
                    reports.append(report)
            return reports

    async def _table(
        self, spec: SecureTable, period: str, charter: CharterPublished
    ) -> RoundReport:
        async with self.db.unit_of_work(write=False) as session:
            done = {
                r.phase: r
                for r in await session.scalars(
                    select(SecureRelease).where(
                        SecureRelease.service == spec.service,
                        SecureRelease.aggregate == spec.table, SecureRelease.period == period,
                    )
                )
            }  # fmt: skip
            roster = await self.roster(session, spec, charter)
        if "sum" in done:
            return RoundReport(spec.table, period, "released", "released before", roster)
        count = done.get("count")
        if count is None:
            if len(roster) < MIN_CONTRIBUTORS:
                return RoundReport(
                    spec.table, period, "skipped",
                    f"{len(roster)} nodes linked and on the charter, {MIN_CONTRIBUTORS} needed",
                    roster,
                )  # fmt: skip
            outcome = await self._round(spec, period, "count", list(spec.cells), roster)
            if outcome.result is None:
                return self._failed(spec, period, roster, outcome)
            count = await self._keep(spec, period, outcome, outcome.result.values, roster)
        counts = [int(v) for v in count.values]
        opened = [c for c, n in zip(spec.cells, counts, strict=True) if n >= MIN_CONTRIBUTORS]
        if not opened:
            return RoundReport(spec.table, period, "skipped", "no cell has 3 contributing nodes")
        roster = [n for n in count.survivors if n in self.clients]
        if len(roster) < MIN_CONTRIBUTORS:
            return RoundReport(spec.table, period, "skipped", "count survivors not linked", roster)
        rules = charter.disclosure
        cells = list(opened)
        if _is_money(spec):  # each node's local top-n per cell bounds the coalition's top n
            ns = top_ns(rules.dominance_n, rules.p_percent)
            cells += [top_cell(c, n) for c in opened for n in ns]
            cells += [recipients_cell(c) for c in opened]  # the coalition's k recipients
        outcome = await self._round(spec, period, "sum", cells, roster, epsilon=spec.epsilon)
        if outcome.result is None:
            return self._failed(spec, period, roster, outcome)
        lost = len(set(count.survivors) - set(outcome.result.survivors))
        sums = dict(zip(outcome.result.header.cells, outcome.result.values, strict=True))
        published = protect(
            spec, counts, opened, sums, k=rules.k, rounding_base=rules.rounding_base, lost=lost,
            dominance_n=rules.dominance_n, dominance_k=rules.dominance_k,
            p_percent=rules.p_percent,
        )  # fmt: skip
        await self._keep(spec, period, outcome, published, roster)
        return RoundReport(spec.table, period, "released", "", roster, _refusals(outcome))

    def _failed(
        self, spec: SecureTable, period: str, roster: list[str], outcome: Outcome
    ) -> RoundReport:
        log.warning("secure round failed", extra={"table": spec.table, "period": period,
                                                   "failure": outcome.failure})  # fmt: skip
        return RoundReport(
            spec.table, period, "failed", outcome.failure or "", roster, _refusals(outcome)
        )

    async def _round(
        self, spec: SecureTable, period: str, phase: str, cells: list[str], roster: list[str],
        *, epsilon: Decimal | None = None,
    ) -> Outcome:  # fmt: skip
        async with self.db.unit_of_work(write=False) as session:
            history = [
                Release.model_validate(r)
                for r in await session.scalars(
                    select(SecureRelease.release)
                    .where(SecureRelease.aggregate == spec.table)
                    .order_by(SecureRelease.seq)
                )
            ]
        limits = self.limits
        threshold = max(MIN_CONTRIBUTORS, len(roster) // 2 + 1)
        header = RoundHeader(
            round=f"{spec.table[:36]}-{period[:12]}-{phase}-{secrets.token_hex(4)}",
            table=spec.table, period=period, phase=phase, cells=tuple(cells),
            roster=tuple(roster), threshold=threshold,
            expires_at=datetime.now(UTC) + timedelta(seconds=limits.step_timeout * 6 + 60),
            bound=limits.money_bound if _is_money(spec) else limits.count_bound,
            epsilon=None if epsilon is None else float(epsilon), sensitivity=spec.sensitivity,
            stock=spec.stock, colluders=min(limits.colluders, threshold - 1),
            min_contributors=MIN_CONTRIBUTORS, history=tuple(history),
        )  # fmt: skip
        coordinator = Coordinator(
            {n: self.clients[n] for n in roster}, self.verifier, service=spec.service,
            step_timeout=limits.step_timeout,
        )  # fmt: skip
        return await coordinator.run(header)

    async def _keep(
        self, spec: SecureTable, period: str, outcome: Outcome, values: list[Any],
        roster: list[str],
    ) -> SecureRelease:  # fmt: skip
        result = outcome.result
        assert result is not None
        header, statement = result.header, result.release.statement
        row = SecureRelease(
            release_id=result.release.id, service=spec.service, aggregate=spec.table,
            period=period, phase=header.phase, round_id=header.round, measure=spec.measure,
            dimension=spec.dimension, roster=list(roster), survivors=list(statement.survivors),
            cells=list(header.cells), values=values,
            epsilon=None if header.epsilon is None else Decimal(str(header.epsilon)),
            sensitivity=header.sensitivity, release=result.release.model_dump(mode="json"),
            created_at=datetime.now(UTC),
        )  # fmt: skip
        async with self.db.unit_of_work() as session:
            session.add(row)
        return row

    async def run_due(self, now: datetime | None = None) -> list[RoundReport]:
        """The rounds due now: flow tables for the quarter just closed, stock tables (a state,
        counted as it stands) for the current quarter."""
        now = now or datetime.now(UTC)
        async with self.db.unit_of_work(write=False) as session:
            charter = await charters.current(session=session)
        flows = [t.table for t in charter.secure if not t.stock]
        stocks = [t.table for t in charter.secure if t.stock]
        reports = []
        if flows:
            reports += await self.run_period(previous_quarter(now), flows)
        if stocks:
            reports += await self.run_period(quarter_of(now.date()), stocks)
        return reports

    async def schedule(self, every: float) -> None:
        """Run the rounds due every ``every`` s (a released period is never run again)."""
        while True:
            try:
                await self.run_due()
            except Exception:  # the next run tries again
                log.exception("scheduled secure rounds failed")
            await asyncio.sleep(every)


def _refusals(outcome: Outcome) -> list[dict[str, str]]:
    return [{"node": r.node, "code": r.code} for r in outcome.refusals]


def previous_quarter(now: datetime | None = None) -> str:
    """The quarter before the current one (``2026-Q3`` on 5 December 2026): closed."""
    now = now or datetime.now(UTC)
    year, quarter = now.year, (now.month - 1) // 3 + 1
    year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return f"{year}-Q{quarter}"


async def releases(
    session: AsyncSession, *, table: str | None = None, period: str | None = None
) -> list[SecureRelease]:
    """Every release kept, in log order (optionally of one table or period)."""
    query = select(SecureRelease).order_by(SecureRelease.seq)
    if table is not None:
        query = query.where(SecureRelease.aggregate == table)
    if period is not None:
        query = query.where(SecureRelease.period == period)
    return list(await session.scalars(query))


def spent(rows: Sequence[SecureRelease]) -> Mapping[str, Decimal]:
    """Epsilon spent per table (every node spent as much: the sum releases' epsilons)."""
    out: dict[str, Decimal] = {}
    for row in rows:
        if row.phase == "sum" and row.epsilon is not None:
            out[row.aggregate] = out.get(row.aggregate, Decimal(0)) + row.epsilon
    return out


def totals(rows: Sequence[SecureRelease]) -> list[AggregateTotal]:
    """The coalition totals of sum releases, as the indicators read them: complete cells, and
    suppressed ones marked incomplete (a hidden part is never guessed)."""
    out = []
    for row in rows:
        if row.phase != "sum":
            continue
        money = row.measure.startswith("eur_")
        cells = [
            CellTotal(
                key=list(cell["key"]),
                value=None if money or cell["suppressed"] else int(cell["value"]),
                amount=Decimal(cell["value"]) if money and not cell["suppressed"] else None,
                incomplete=bool(cell["suppressed"]),
                suppressed_nodes=[],
                missing_nodes=[],
            )
            for cell in row.values
        ]
        out.append(
            AggregateTotal(
                service=row.service,
                aggregate=row.aggregate,
                measure=row.measure,
                dimensions=[row.dimension],
                nodes=sorted(row.survivors),
                versions={},
                cells=cells,
                margins=[],
            )
        )
    return out
