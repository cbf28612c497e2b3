"""The audit trail of reads: batched writes, and no read answered before its entry is durable.

Writing one audit row per read in the read's own transaction costs a commit per request, and on
SQLite every commit queues for the single writer lock. Reads instead hand their entries to this
trail, which commits whatever has gathered in one transaction and then releases every waiting
request. A request whose entry cannot be written fails, so no record is ever served unaudited.

The batch is chained (``audit_chain``) in this writer, in the order the entries arrived, inside
its writing unit of work, which holds the database's write lock. A read that is audited can ride
in the same unit of work (``record_then_get``): one hand-off to the database per batch, not per
request, and its result is released with the commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import Session

from concordia.core.db import Database
from concordia.events.runtime.tasks import cancel_and_wait
from concordia.registry.service import audit_chain

log = logging.getLogger(__name__)
M = TypeVar("M")


class AuditUnavailableError(RuntimeError):
    """The audit entry could not be written, so the read must not be answered."""


class AuditTrail:
    """Batches audit entries of reads into shared commits.

    Example::

        trail = AuditTrail(Database(url))   # its own engine, apart from the requests' pool
        await trail.start()
        await trail.record([{"at": ..., "token_id": ..., "person_id": ..., ...}])  # durable now
        person = await trail.record_then_get(entries, Person, person_id)
        await trail.stop()
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._pending: list[_Pending] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        #: PostgreSQL: the writer's own connection, kept from batch to batch.
        self._conn: AsyncConnection | None = None

    async def start(self) -> None:
        """Start the writer task."""
        self._task = asyncio.create_task(self._run(), name="audit-trail")

    async def stop(self) -> None:
        """Write what is pending, then stop and close the trail's connections."""
        if self._task is None:
            return
        await cancel_and_wait(self._task)
        await self._flush()
        await self._drop_connection(close=True)
        await self.db.dispose()

    async def record(self, entries: list[dict[str, Any]]) -> None:
        """Add entries and return once they are committed; raises if they cannot be."""
        if entries:
            await self._submit(entries, None)

    async def record_then_get(
        self, entries: list[dict[str, Any]], model: type[M], key: Any
    ) -> M | None:
        """Add entries, and read the row of ``model`` with primary key ``key`` in the
        transaction that commits them; return it (None when there is none) once they are
        committed.

        The read costs no hand-off of its own: the batch's rows of each model are read in one
        query, in the batch's one hand-off to the database, and released only with its commit,
        so what was read is never served before the entries that audit it are durable.
        """
        row: M | None = await self._submit(entries, (model, key))
        return row

    async def _submit(self, entries: list[dict[str, Any]], get: Get | None) -> Any:
        if self._task is None or self._task.done():
            raise AuditUnavailableError("the audit trail is not running")
        waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append(_Pending(entries, get, waiter))
        self._wake.set()
        return await waiter

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self._flush()

    async def _flush(self) -> None:
        pending, self._pending = self._pending, []
        if not pending:
            return
        try:
            if self.db.sqlite:
                # Inline: a batch is short, and the trail is what every audited read waits for.
                rows = await self.db.write(lambda session: _write(session, pending), inline=True)
            else:
                rows = await self._write_pg(pending)
        except Exception as exc:  # every waiter learns the failure; none is answered unaudited
            log.exception("audit write failed")
            for item in pending:
                if not item.waiter.done():
                    item.waiter.set_exception(AuditUnavailableError(str(exc)))
            return
        for item, row in zip(pending, rows, strict=True):
            if not item.waiter.done():
                item.waiter.set_result(row)

    async def _write_pg(self, pending: list[_Pending]) -> list[Any]:
        """``db.write`` on the trail's own connection, kept from batch to batch.

        Every audited read waits for a batch, so its round trips are every read's latency. A
        pooled checkout pings the server first (BEGIN, a query, ROLLBACK: three round trips,
        half as many again as the batch itself); the kept connection needs none. The batch is
        the same writing unit of work as ``db.write``'s: the database's writer lock (the
        advisory lock every writing unit of work takes), then the chain, then the rows, one
        commit. A failed batch drops the connection; the next opens another.
        """
        conn = self._conn
        if conn is None:
            conn = self._conn = await self.db.engine.connect()
        try:
            async with AsyncSession(bind=conn, expire_on_commit=False) as session:
                await Database._serialise_writer(session)
                rows: list[Any] = await session.run_sync(_write, pending)
                await session.commit()
            return rows
        except BaseException:
            await self._drop_connection(close=False)
            raise

    async def _drop_connection(self, *, close: bool) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                # A healthy connection goes back to the pool; a failed one is not reused.
                await (conn.close() if close else conn.invalidate())


#: What a caller reads with its entries: a mapped class and a primary key.
Get = tuple[type[Any], Any]
#: Primary keys per query (SQLite's bound-parameter limit is far above it).
_CHUNK = 500


@dataclass(slots=True)
class _Pending:
    """One caller's entries, the row it reads (if any), and the future it waits on."""

    entries: list[dict[str, Any]]
    get: Get | None
    waiter: asyncio.Future[Any]


def _write(session: Session, pending: list[_Pending]) -> list[Any]:
    """Chain and insert every entry of the batch, then read its rows, in one transaction."""
    audit_chain.append_to(session, [entry for item in pending for entry in item.entries])
    wanted: dict[type[Any], set[Any]] = {}
    for item in pending:
        if item.get is not None:
            wanted.setdefault(item.get[0], set()).add(item.get[1])
    found: dict[tuple[type[Any], Any], Any] = {}
    for model, keys in wanted.items():
        column = inspect(model).primary_key[0]
        ordered = list(keys)
        for start in range(0, len(ordered), _CHUNK):
            query = select(model).where(column.in_(ordered[start : start + _CHUNK]))
            for row in session.scalars(query):
                found[model, getattr(row, column.key)] = row
    return [None if item.get is None else found.get(item.get) for item in pending]
