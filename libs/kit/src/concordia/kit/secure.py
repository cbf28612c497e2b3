"""Secure tables at a node: the part that answers the hub's secure-aggregation rounds.

A service that holds tables the charter lists as ``secure`` gives the kit one source per table
(``SecureSource``: the node's cells of a period, read in a read unit of work) as
``ServiceDefinition(secure=SecureTables(sources))``; the kit adds ``secure_part(sources)`` to
its parts and ``router(service, scopes)`` to its routers. The part
then runs a ``concordia.secagg`` participant behind a ``Responder`` on the service's COALITION
link (``hub.secagg.<node>.<service>.>``), signing with the node's identity key
(``CONCORDIA_IDENTITY_KEY_FILE``) and checking the others' signatures against the directory it
pinned (``CONCORDIA_IDENTITY_DIRECTORY_FILE``). Without a key file the service takes no part.

The node decides, not the hub:

- a table the charter in force does not list as secure is refused (``not_secure``), and so is a
  header that asks for less noise, a smaller sensitivity, another stock flag or other cells than
  the charter (``charter_mismatch``);
- a table and period this node already published as a plain snapshot is refused unless it is
  released under differential privacy (``published_plainly``): subtracting the other nodes'
  plain cells from an exact total would recover the cell this node suppressed;
- the release log, the differencing guard and the epsilon ledger are the participant's
  (``concordia.secagg.Participant``), its state kept in the kit table ``secagg_participants``
  (one row per service, saved after every step before the answer leaves); its budget per table
  is ``CONCORDIA_SECAGG_EPSILON_BUDGET``.

Only the worker holding the outbox lease answers (its state is reloaded from the table at every
step, so a new leader carries on where the old one stopped).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from fastapi import APIRouter, Request
from nats.aio.msg import Msg
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.auth import Principal, require
from concordia.core.db import Database
from concordia.events import CharterPublished, SecureTable
from concordia.identity import NodeIdentity
from concordia.kit._app import Part, Runtime, cancel_all, runtime
from concordia.kit._secure_state import SecureSettings, SecureStateStore
from concordia.kit._services import service_named
from concordia.kit.tables import secure_state, snapshots
from concordia.secagg import Participant, Refused, Release, RoundHeader
from concordia.secagg.transport import Responder

log = logging.getLogger(__name__)

#: A secure table's cells at this node for one period: ``(session, period) -> cell -> value``.
CellSource = Callable[[AsyncSession, str], Awaitable[Mapping[str, int]]]


@dataclass(frozen=True)
class MoneySource:
    """A money table's source: ``(session, period) -> cell -> recipient -> EUR`` at this node.

    The kit, not the service, turns the amounts into the round's values (``money_cells``):
    each cell's total in whole euros and its local top-n sums (``<cell>~top<n>``, for the
    hub's dominance and p % rules), every recipient's amount first clipped to the charter's
    ``clip`` (``SecureTable.clip``).
    """

    amounts: Callable[[AsyncSession, str], Awaitable[Mapping[str, Mapping[str, Decimal]]]]


@dataclass(frozen=True)
class ChartedSource:
    """A source whose cells depend on the charter in force: ``(session, period, charter)``
    (the ledger's participants by their activity's place in the women band)."""

    cells: Callable[[AsyncSession, str, CharterPublished], Awaitable[Mapping[str, int]]]


#: What a service gives the kit for each of its secure tables.
SecureSource = CellSource | MoneySource | ChartedSource
#: How long a step waits for the database (from the participant's worker thread).
DB_TIMEOUT = 60.0
#: Steps after which a round takes no further step.
FINISHED = frozenset({"revealed", "aborted", "refused"})


def _off_loop(loop: asyncio.AbstractEventLoop) -> None:
    with contextlib.suppress(RuntimeError):
        if asyncio.get_running_loop() is loop:
            raise RuntimeError("a secure-aggregation step must run off the event loop")


@dataclass
class DatabaseStore:
    """``concordia.secagg.ParticipantStore`` over ``SecureStateStore``, from a worker thread."""

    db: Database
    store: SecureStateStore
    service: str
    loop: asyncio.AbstractEventLoop
    initial: dict[str, Any] | None = None

    def load(self) -> dict[str, Any] | None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # a worker thread: read what the database holds now
            coro = self.store.load(self.db, self.service)
            return asyncio.run_coroutine_threadsafe(coro, self.loop).result(DB_TIMEOUT)
        return None if self.initial is None else dict(self.initial)

    def save(self, state: dict[str, Any]) -> None:
        _off_loop(self.loop)
        coro = self.store.save(self.db, self.service, state)
        asyncio.run_coroutine_threadsafe(coro, self.loop).result(DB_TIMEOUT)


#: Besides its cells, a money table's sum round asks for each cell's local top-n sum.
TOP = "~top"
#: The largest n of the dominance rule (the nodes' floors allow at most 5).
TOP_MAX = 5


def is_money(measure: str) -> bool:
    """Whether a table's measure is money (``eur_committed``...): not rounded, dominance."""
    return measure.startswith("eur_")


#: ... and each cell's number of recipients (for the coalition's contributor threshold).
RECIPIENTS = "~recipients"


def recipients_cell(cell: str) -> str:
    """The cell of how many recipients ``cell`` has at this node (``purpose~recipients``)."""
    return f"{cell}{RECIPIENTS}"


def top_cell(cell: str, n: int) -> str:
    """The cell of ``cell``'s local top-``n`` sum (``purpose~top2``): the node's ``n`` largest
    contributions to it, whose sum over the nodes bounds the coalition's top ``n``."""
    return f"{cell}{TOP}{n}"


def _euros(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), ROUND_HALF_EVEN))


def money_cells(
    amounts: Mapping[str, Mapping[str, Decimal]], clip: Decimal | None = None
) -> dict[str, int]:
    """A money table's values at this node from ``cell -> recipient -> EUR``: each cell's total
    in whole euros and the sum of its ``n`` largest recipients' amounts (``<cell>~top<n>``, n 1
    to ``TOP_MAX``) and its number of recipients with a positive amount
    (``<cell>~recipients``). With ``clip``, each recipient's amount in a cell counts at most
    ``clip`` (one recipient's influence on a released sum is bounded before it is masked)."""
    out: dict[str, int] = {}
    for cell, by_recipient in amounts.items():
        values = [a if clip is None else min(a, clip) for a in by_recipient.values()]
        out[cell] = _euros(sum(values, Decimal(0)))
        out[recipients_cell(cell)] = sum(1 for a in values if a > 0)
        largest = sorted(values, reverse=True)
        for n in range(1, TOP_MAX + 1):  # the local top n, for the coalition's dominance rules
            out[top_cell(cell, n)] = _euros(sum(largest[:n], Decimal(0)))
    return out


def _allowed(spec: SecureTable) -> set[str]:
    cells = set(spec.cells)
    if is_money(spec.measure):
        cells |= {top_cell(c, n) for c in spec.cells for n in range(1, TOP_MAX + 1)}
        cells |= {recipients_cell(c) for c in spec.cells}
    return cells


def _spec(charter: CharterPublished, service: str, table: str) -> SecureTable | None:
    return next((t for t in charter.secure if t.table == table and t.service == service), None)


class KitSource:
    """The participant's ``InputSource``: the service's sources, read on the event loop."""

    def __init__(
        self,
        db: Database,
        sources: Mapping[str, SecureSource],
        loop: asyncio.AbstractEventLoop,
        *,
        plain_periods: Callable[[AsyncSession, str], Awaitable[set[str]]],
        charter: Callable[[], CharterPublished],
        service: str,
    ) -> None:
        self.db, self.sources, self.loop = db, dict(sources), loop
        self.plain_periods, self.charter, self.service = plain_periods, charter, service

    async def _read(
        self, table: str, period: str, spec: SecureTable | None
    ) -> tuple[dict[str, int], bool]:
        source = self.sources[table]
        async with self.db.unit_of_work(write=False) as session:
            if isinstance(source, MoneySource):
                clip = None if spec is None else spec.clip
                rows = money_cells(await source.amounts(session, period), clip)
            elif isinstance(source, ChartedSource):
                rows = dict(await source.cells(session, period, self.charter()))
            else:
                rows = dict(await source(session, period))
            plain = period in await self.plain_periods(session, table)
        return rows, plain

    def values(self, table: str, period: str, cells: Sequence[str]) -> list[int]:
        if table not in self.sources:
            raise LookupError(table)
        _off_loop(self.loop)
        spec = _spec(self.charter(), self.service, table)
        future = asyncio.run_coroutine_threadsafe(self._read(table, period, spec), self.loop)
        rows, plain = future.result(DB_TIMEOUT)
        if plain and (spec is None or spec.epsilon is None):
            raise Refused("published_plainly", f"{table} {period} left this node as a snapshot")
        return [int(rows.get(cell, 0)) for cell in cells]


class CharterParticipant(Participant):
    """A participant that takes part only in what the charter in force asks, as it asks it."""

    def __init__(
        self, *args: Any, charter: Callable[[], CharterPublished], service: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.charter, self.service = charter, service

    def handle(self, step: str, request: BaseModel) -> BaseModel:
        # Another worker may have answered the previous step: the database holds the truth.
        self.state = self.store.load() or self.state
        self._compact()  # saved with the step's own state
        return super().handle(step, request)

    def _compact(self) -> None:
        """Finished rounds keep their id (a replay is still refused) and what they released,
        not their header: each header carries the table's whole log, so the state would grow
        with the square of the releases."""
        for record in self.state["rounds"].values():
            if record.get("step") in FINISHED and "header" in record:
                header = record.pop("header")
                record.update(table=header.get("table"), period=header.get("period"))

    def advertise(self, header: RoundHeader) -> Any:
        spec = _spec(self.charter(), self.service, header.table)
        if spec is None:
            raise Refused("not_secure", f"the charter does not list {header.table} as secure")
        if header.stock != spec.stock or header.sensitivity < spec.sensitivity:
            raise Refused("charter_mismatch", "stock or sensitivity differ from the charter")
        if not set(header.cells) <= _allowed(spec) or (
            header.phase == "count" and tuple(header.cells) != spec.cells
        ):
            raise Refused("charter_mismatch", "cells differ from the charter's")
        too_little = header.epsilon is None or header.epsilon > float(spec.epsilon or 0) + 1e-9
        if header.phase == "sum" and spec.epsilon is not None and too_little:
            raise Refused("charter_mismatch", "less noise than the charter's epsilon")
        return super().advertise(header)


class _LeaderResponder(Responder):
    """Answers only in the worker that holds the outbox lease (one answer per node)."""

    def __init__(self, *args: Any, is_leader: Callable[[], bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_leader = is_leader

    async def _on_request(self, msg: Msg) -> None:
        if self.is_leader():
            await super()._on_request(msg)


@dataclass(frozen=True)
class SecureTables:
    """A service's secure tables, by their sources (``ServiceDefinition.secure``)."""

    sources: Mapping[str, SecureSource]

    def part(self) -> Part:
        """The start-up part answering the hub's rounds for them (``secure_part``)."""
        return secure_part(self.sources)

    def router(self, service: str) -> APIRouter:
        """Their epsilon ledger and releases, for the service's scopes (``router``)."""
        return router(service, service_named(service).scopes)


def secure_part(sources: Mapping[str, SecureSource]) -> Part:
    """A start-up part (``ServiceDefinition.parts``) answering rounds for ``sources``' tables."""

    async def plain_periods(session: AsyncSession, table: str) -> set[str]:
        return set(await snapshots.last_release_times(session, [table]))

    @asynccontextmanager
    async def part(rt: Runtime) -> AsyncIterator[None]:
        settings = rt.settings if isinstance(rt.settings, SecureSettings) else SecureSettings()
        key_file = settings.identity_key_file
        if key_file is None or not key_file.exists() or rt.links is None:
            log.info("no identity key: %s takes no part in secure aggregation", rt.service)
            yield
            return
        assert rt.follower is not None
        follower = rt.follower
        identity = NodeIdentity.from_files(
            rt.settings.node, key_file, settings.identity_directory_file
        )
        loop = asyncio.get_running_loop()
        store = DatabaseStore(
            rt.db, secure_state, rt.service, loop, await secure_state.load(rt.db, rt.service)
        )
        source = KitSource(
            rt.db, sources, loop, plain_periods=plain_periods, charter=lambda: follower.current,
            service=rt.service,
        )  # fmt: skip
        participant = CharterParticipant(
            identity, source, store, default_budget=settings.secagg_epsilon_budget,
            charter=lambda: follower.current, service=rt.service,
        )  # fmt: skip
        responder = _LeaderResponder(
            rt.coalition.client, participant, service=rt.service, is_leader=rt.is_leader
        )

        async def start() -> None:
            await rt.coalition.wait_connected()
            await responder.start()

        task = asyncio.create_task(start(), name=f"{rt.service}-secagg-responder")
        try:
            yield
        finally:
            await cancel_all([task])
            with contextlib.suppress(Exception):
                await responder.stop()

    return part


class SecureRelease(BaseModel):
    """One release this node signed: what, when, by whom, at what epsilon (no value)."""

    id: str
    table: str
    period: str
    phase: str
    epsilon: float | None
    survivors: list[str]


class SecureTableState(BaseModel):
    """A secure table at this node: epsilon spent and budget, the releases it knows."""

    table: str
    epsilon_spent: float
    epsilon_budget: float
    releases: list[SecureRelease]


def ledger_of(state: dict[str, Any] | None, budget: float) -> list[SecureTableState]:
    """The node's epsilon ledger and release log, per table, from the participant's state."""
    if not state:
        return []
    out = []
    for table in sorted({*state.get("log", {}), *state.get("spent", {})}):
        releases = [
            Release.model_validate(r).statement for r in state.get("log", {}).get(table, [])
        ]
        out.append(
            SecureTableState(
                table=table,
                epsilon_spent=float(state.get("spent", {}).get(table, 0.0)),
                epsilon_budget=budget,
                releases=[
                    SecureRelease(
                        id=s.id,
                        table=s.table,
                        period=s.period,
                        phase=s.phase,
                        epsilon=s.epsilon,
                        survivors=list(s.survivors),
                    )
                    for s in releases
                ],
            )
        )
    return out


def router(service: str, scopes: Sequence[str]) -> APIRouter:
    """``GET /v1/coalition/secure``: this node's epsilon ledger and release log."""
    r = APIRouter(prefix="/v1/coalition", tags=["coalition"])

    @r.get("/secure", response_model=list[SecureTableState])
    async def secure_tables(
        request: Request, _: Principal = require(*scopes, any_of=True)
    ) -> list[SecureTableState]:
        """Each secure table this node took part in: epsilon spent against its budget (the
        node's own ledger: it refuses past the budget) and the signed releases it knows."""
        state = await secure_state.load(runtime(request).db, service)
        given = runtime(request).settings
        settings = given if isinstance(given, SecureSettings) else SecureSettings()
        return ledger_of(state, settings.secagg_epsilon_budget)

    return r


__all__ = [
    "RECIPIENTS",
    "TOP",
    "TOP_MAX",
    "CellSource",
    "ChartedSource",
    "CharterParticipant",
    "DatabaseStore",
    "KitSource",
    "MoneySource",
    "SecureRelease",
    "SecureSettings",
    "SecureSource",
    "SecureStateStore",
    "SecureTableState",
    "SecureTables",
    "is_money",
    "ledger_of",
    "money_cells",
    "recipients_cell",
    "router",
    "secure_part",
    "top_cell",
]
