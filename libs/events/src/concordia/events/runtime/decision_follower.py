"""The node side of the coalition's decisions: keep the ones that concern this node, in order.

A node service listens on ``hub.decision`` (its shared link) and keeps each decision log entry
the hub sends it in a small table next to the outbox. An entry is applied only if the node
holds the entry before it (``previous``): then ``held`` moves to it, the status report says so
(``decisions_held``), and the hub sends whatever comes after. An entry whose predecessor is
missing waits for the hub's re-send; one already held is ignored. Nothing is ever lost to a node
that was offline, and nothing counts twice.

A decision is in force only when m members of the directory the node pinned signed it (m from
the charter the node runs, a simple majority by default): an entry that says ``in_force`` or
``done`` without those signatures is kept as ``pending_signatures`` (the chain goes on; the hub
cannot put a decision in force at a node by saying so) and counted in ``unsigned_total``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database, UtcDateTime
from concordia.events._envelope import Envelope, EnvelopeError
from concordia.events.coordination import CoalitionDecisionPublished
from concordia.events.runtime.charter_follower import (
    DirectorySource,
    stop_listening,
    subscribe_when_connected,
)
from concordia.events.signatures import required, signature_shortfall
from concordia.identity import Directory

#: Statuses that say a decision applies: only with the members' signatures.
IN_FORCE = frozenset({"in_force", "done"})


def decision_shortfall(
    entry: CoalitionDecisionPublished, directory: Directory | None, m: int | None
) -> tuple[str, ...]:
    """Why ``entry``'s signatures do not put it in force (m of ``directory``); () if they do."""
    need = None if directory is None else required(directory, m)
    kind, body = entry.document()
    return signature_shortfall(kind, body, entry.signatures, directory, need)


log = logging.getLogger("concordia.events.decisions")


class DecisionStore:
    """The coalition's decisions a node holds: the newest log entry of each decision.

    Example::

        decisions = DecisionStore(metadata)
        await decisions.held(db)           # 0 before the first
        await decisions.all(db)            # newest first
    """

    def __init__(self, metadata: MetaData, *, table_name: str = "coalition_decisions") -> None:
        self.table = Table(
            table_name,
            metadata,
            Column("decision_id", String(64), primary_key=True),
            Column("seq", Integer, nullable=False, index=True),
            Column("payload", JSON, nullable=False),
            Column("received_at", UtcDateTime(), nullable=False),
            comment="The coalition's decisions concerning this node (newest log entry of each).",
        )
        #: The highest log entry held, in one row with decision_id '' (kept across restarts).
        self._held_key = ""

    async def held(self, db: Database) -> int:
        """The newest log entry this node holds with every earlier one concerning it."""
        async with db.unit_of_work(write=False) as session:
            row = await session.scalar(
                select(self.table.c.seq).where(self.table.c.decision_id == self._held_key)
            )
        return int(row or 0)

    async def all(self, db: Database, *, limit: int = 500) -> list[CoalitionDecisionPublished]:
        """The decisions held, newest change first."""
        async with db.unit_of_work(write=False) as session:
            return await self.listed(session, limit=limit)

    async def listed(
        self, session: AsyncSession, *, limit: int = 500
    ) -> list[CoalitionDecisionPublished]:
        """The decisions held, newest change first, read in ``session``."""
        rows = await session.scalars(
            select(self.table.c.payload)
            .where(self.table.c.decision_id != self._held_key)
            .order_by(self.table.c.seq.desc())
            .limit(limit)
        )
        return [CoalitionDecisionPublished.model_validate(p) for p in rows]

    async def apply(self, db: Database, entry: CoalitionDecisionPublished) -> bool:
        """Keep ``entry`` if it follows what is held; True if it moved ``held`` on."""
        t = self.table
        async with db.unit_of_work() as session:
            # One writer at a time per database: the held row is the lock (taken by the update).
            held = await session.scalar(select(t.c.seq).where(t.c.decision_id == self._held_key))
            held = int(held or 0)
            if entry.seq <= held or entry.previous != held:
                return False  # known already, or an earlier entry is still missing
            now = datetime.now(UTC)
            payload = entry.model_dump(mode="json")
            for key, seq, data in ((entry.decision_id, entry.seq, payload),
                                   (self._held_key, entry.seq, {})):  # fmt: skip
                done = await session.execute(
                    t.update().where(t.c.decision_id == key)
                    .values(seq=seq, payload=data, received_at=now)
                )  # fmt: skip
                if not getattr(done, "rowcount", 0):
                    await session.execute(
                        t.insert().values(decision_id=key, seq=seq, payload=data, received_at=now)
                    )
        return True

    async def count(self, db: Database) -> int:
        """How many decisions are held."""
        async with db.unit_of_work(write=False) as session:
            n = await session.scalar(
                select(func.count()).select_from(self.table)
                .where(self.table.c.decision_id != self._held_key)
            )  # fmt: skip
        return int(n or 0)


class DecisionFollower:
    """Keeps the hub's decisions concerning ``node``; tells ``on_held`` when ``held`` moves.

    Example::

        follower = DecisionFollower(db, store, node="se", on_held=charter_follower.held_decisions)
        await follower.start(shared_link.client)
        await follower.stop()
    """

    def __init__(
        self,
        db: Database,
        store: DecisionStore,
        *,
        node: str,
        on_held: Callable[[int], None] | None = None,
        directory: DirectorySource | None = None,
        signatures_required: Callable[[], int | None] = lambda: None,
    ) -> None:
        self.db, self.store, self.node, self.on_held = db, store, node, on_held
        self.directory: DirectorySource = directory or (lambda: None)
        #: m of the charter the node runs (None: a simple majority of the directory).
        self.signatures_required = signatures_required
        self.held = 0
        self.refused_total = 0
        #: Entries that said in force without enough valid signatures (kept as pending).
        self.unsigned_total = 0
        self._client: Client | None = None
        self._sub: Subscription | None = None
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def start(self, client: Client) -> None:
        """Load what is held, then listen in the background."""
        self._client = client
        self.held = await self.store.held(self.db)
        if self.on_held is not None:
            self.on_held(self.held)
        self._task = asyncio.create_task(self._run(), name="decision-follower")

    async def stop(self) -> None:
        """Stop listening."""
        await stop_listening(self._task, self._sub)
        self._task = self._sub = None

    async def _run(self) -> None:
        assert self._client is not None
        self._sub = await subscribe_when_connected(
            self._client, CoalitionDecisionPublished.subject_template(), self._on
        )

    async def _on(self, msg: Msg) -> None:
        try:
            entry = Envelope.from_bytes(msg.data).data
            if not isinstance(entry, CoalitionDecisionPublished):
                raise EnvelopeError(f"{type(entry).__name__} is not a decision")
        except EnvelopeError as exc:
            self.refused_total += 1
            log.warning("decision refused", extra={"error": type(exc).__name__})
            return
        if not entry.concerns_node(self.node):
            self.refused_total += 1  # sent to the wrong account: not ours to keep
            return
        try:
            await self.apply(entry)
        except Exception:  # the database is down: the hub sends it again
            log.exception("decision not kept")

    async def apply(self, entry: CoalitionDecisionPublished) -> bool:
        """Keep ``entry`` if it is the next one (in force only if signed); True if it was."""
        if entry.status in IN_FORCE:
            reasons = decision_shortfall(entry, self.directory(), self.signatures_required())
            if reasons:
                self.unsigned_total += 1
                log.warning(
                    "decision not in force: signatures fall short",
                    extra={"decision_id": entry.decision_id, "reasons": ",".join(reasons)},
                )
                entry = entry.model_copy(update={"status": "pending_signatures"})
        async with self._lock:
            if not await self.store.apply(self.db, entry):
                return False
            self.held = entry.seq
        log.info("decision kept", extra={"decision_id": entry.decision_id, "seq": entry.seq})
        if self.on_held is not None:
            self.on_held(self.held)
        return True
