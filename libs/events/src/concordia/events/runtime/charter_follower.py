"""The node side of the charter: follow what the hub relays, keep it, and say which one runs.

A service starts one ``CharterFollower`` on its shared (COALITION) NATS connection. It listens
on ``hub.charter`` and checks every newer charter before keeping it: m members of the directory
the node pinned must have signed it (the hub relays the signatures and cannot make one), and it
must not loosen the node's own floors. A refused charter is reported to the hub in the status
(``charter_refused``). A kept charter (a small table next to the outbox, so a restart does not
fall back to the defaults) applies from its ``effective`` day (00:00 UTC): before that it is held
(``charter_pending``). The follower reports ``ServiceStatusReported`` every ``interval`` seconds
and right after applying a new charter; the hub re-sends the charter to services whose report
shows an older one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time
from pathlib import Path

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.exc import IntegrityError

from concordia.core.db import Database, UtcDateTime
from concordia.events._envelope import Envelope, EnvelopeError
from concordia.events._floors import DisclosureFloors
from concordia.events.charter import DEFAULT_CHARTER, CharterPublished
from concordia.events.runtime.outbox import Outbox
from concordia.events.runtime.tasks import cancel_and_wait
from concordia.events.signatures import required, signature_shortfall
from concordia.events.status import CharterRefusal, ServiceStatusReported
from concordia.identity import Directory, DirectoryPin

#: Where a follower finds the directory the node pinned (None: it pinned none yet).
DirectorySource = Callable[[], Directory | None]
Clock = Callable[[], datetime]

log = logging.getLogger("concordia.events.charter")


class PinnedDirectoryFile:
    """The directory a node pinned, read from its file (re-read when another process moved it).

    Example::

        directory = PinnedDirectoryFile(Path("var/se/directory.json"))
        directory()        # the Directory, or None while there is no file
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._mtime: float | None = None
        self._directory: Directory | None = None

    def __call__(self) -> Directory | None:
        if self.path is None:
            return None
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            return None
        if mtime != self._mtime:
            try:
                self._directory = DirectoryPin.load(self.path).directory
            except (OSError, ValueError) as exc:  # half-written or broken: trust nothing
                log.warning("directory unreadable", extra={"error": type(exc).__name__})
                return None
            self._mtime = mtime
        return self._directory


def utc_now() -> datetime:
    """The current time, UTC."""
    return datetime.now(UTC)


def effective_at(charter: CharterPublished) -> datetime:
    """When ``charter`` starts to apply: its ``effective`` day at 00:00 UTC."""
    return datetime.combine(charter.effective, time.min, tzinfo=UTC)


def charter_shortfall(
    charter: CharterPublished, directory: Directory | None, replaces: CharterPublished
) -> tuple[str, ...]:
    """Why ``charter``'s signatures do not make it the coalition's; () when they do.

    m is the larger of the charter's own ``signatures_required`` and that of the charter it
    replaces (a simple majority of ``directory`` when neither says). The built-in charter
    (revision 0) needs none.
    """
    if charter.revision == 0:
        return ()
    need = None
    if directory is not None:
        need = required(directory, charter.signatures_required, replaces.signatures_required)
    kind, body = charter.document()
    return signature_shortfall(kind, body, charter.signatures, directory, need)


MessageHandler = Callable[[Msg], Awaitable[None]]


async def subscribe_when_connected(
    client: Client, subject: str, cb: MessageHandler
) -> Subscription:
    """Subscribe to ``subject`` once the link is connected (it connects on its own), retrying
    until it holds; nats-py re-subscribes by itself after a reconnect."""
    while True:
        if not client.is_connected:
            await asyncio.sleep(0.1)
            continue
        try:
            return await client.subscribe(subject, cb=cb)
        except Exception as exc:  # e.g. the connection dropped in between: try again
            log.warning(
                "subscription failed", extra={"subject": subject, "error": type(exc).__name__}
            )
            await asyncio.sleep(1.0)


async def stop_listening(task: asyncio.Task[None] | None, sub: Subscription | None) -> None:
    """Cancel a follower's task and drop its subscription."""
    await cancel_and_wait(task)
    if sub is not None:
        with contextlib.suppress(Exception):
            await sub.unsubscribe()


class CharterStore:
    """The charters a service applied, newest revision current; never edited.

    Example::

        charters = CharterStore(Base.metadata)     # next to the outbox; Alembic sees it
        current = await charters.current(session)  # DEFAULT_CHARTER before the first
    """

    def __init__(self, metadata: MetaData, *, table_name: str = "applied_charters") -> None:
        self.table = Table(
            table_name,
            metadata,
            Column("revision", Integer, primary_key=True, autoincrement=False),
            Column("version", String(64), nullable=False),
            Column("payload", JSON, nullable=False),
            Column("applied_at", UtcDateTime(), nullable=False),
            comment="Charters received from the hub; the highest revision applies.",
        )

    async def current(self, db: Database) -> CharterPublished:
        """The newest charter kept, or the built-in defaults."""
        async with db.unit_of_work(write=False) as session:
            payload = await session.scalar(
                select(self.table.c.payload).order_by(self.table.c.revision.desc()).limit(1)
            )
        return DEFAULT_CHARTER if payload is None else CharterPublished.model_validate(payload)

    async def kept(self, db: Database) -> list[CharterPublished]:
        """Every charter kept, newest first."""
        async with db.unit_of_work(write=False) as session:
            rows = await session.scalars(
                select(self.table.c.payload).order_by(self.table.c.revision.desc())
            )
            return [CharterPublished.model_validate(p) for p in rows]

    async def keep(self, db: Database, charter: CharterPublished) -> bool:
        """Store ``charter``; False if that revision was already kept (by another worker)."""
        try:
            async with db.unit_of_work() as session:
                await session.execute(
                    insert(self.table).values(
                        revision=charter.revision,
                        version=charter.version,
                        payload=charter.model_dump(mode="json"),
                        applied_at=datetime.now(UTC),
                    )
                )
        except IntegrityError:
            return False
        return True


class CharterFollower:
    """Applies the hub's charter in one service and reports the service's status to the hub.

    A charter without m valid signatures of the members of ``directory()`` (the directory the
    node pinned; None: none pinned, every charter refused) is refused: not kept, not applied
    (the service keeps the charter it runs) and reported in the status (``charter_refused``).
    So is, with ``floors``, a charter looser than the node's own floors; ``floors=None`` (the
    operator opted in) accepts looser ones. A signed charter whose ``effective`` day is ahead
    (by ``clock``) is kept and applied then.

    Example::

        follower = CharterFollower(db, charters, node="se", service="registry", outbox=outbox,
                                   directory=pinned_directory)
        await follower.start(shared_link.client)   # returns at once; connects when it can
        k = follower.current.disclosure.k          # 10 until the hub sends a charter
        await follower.stop()
    """

    def __init__(
        self,
        db: Database,
        store: CharterStore,
        *,
        node: str,
        service: str,
        outbox: Outbox | None = None,
        interval: float = 30.0,
        floors: DisclosureFloors | None = None,
        sign: Callable[[ServiceStatusReported], ServiceStatusReported] | None = None,
        directory: DirectorySource | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.db, self.store, self.node, self.service = db, store, node, service
        #: Signs each status report with the node key (``event_signer``); None: unsigned.
        self.sign = sign
        self.outbox, self.interval, self.floors = outbox, interval, floors
        self.directory: DirectorySource = directory or (lambda: None)
        self.clock = clock
        self.current: CharterPublished = DEFAULT_CHARTER
        #: A signed charter kept until its ``effective`` day, or None.
        self.pending: CharterPublished | None = None
        self.refused: CharterRefusal | None = None
        self.refused_total = 0
        self.reports_total = 0
        #: The newest decision log entry held (``DecisionFollower``), or None if not followed.
        self.decisions_held: int | None = None
        self._client: Client | None = None
        self._sub: Subscription | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()

    async def start(self, client: Client) -> None:
        """Load the kept charter, then listen and report in the background."""
        self._client = client
        self.current, self.pending = DEFAULT_CHARTER, None
        # A charter kept before the floors were raised is not run: the newest that holds them is
        # (its signatures were checked when it came). One whose day has not come waits.
        for kept in await self.store.kept(self.db):
            if self._refuse(kept, signatures=False):
                continue
            if not self._in_effect(kept):
                self.pending = self.pending or kept
                continue
            self.current = kept
            break
        self._task = asyncio.create_task(self._run(), name=f"charter-follower:{self.service}")

    async def stop(self) -> None:
        """Stop listening and reporting."""
        await stop_listening(self._task, self._sub)
        self._task = self._sub = None

    async def _run(self) -> None:
        assert self._client is not None
        self._sub = await subscribe_when_connected(
            self._client, CharterPublished.subject_template(), self._on
        )
        while True:
            await self.promote()
            with contextlib.suppress(Exception):  # a report lost now is sent next round
                await self.report()
            self._wake.clear()
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation that
            # arrives as the event is set, and stop() would then wait for this loop forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._next_wait()):
                    await self._wake.wait()

    def _next_wait(self) -> float:
        """Until the next report, or sooner when a held charter's day comes."""
        if self.pending is None:
            return self.interval
        due = (effective_at(self.pending) - self.clock()).total_seconds()
        return max(0.05, min(self.interval, due))

    def _in_effect(self, charter: CharterPublished) -> bool:
        return effective_at(charter) <= self.clock()

    async def promote(self) -> bool:
        """Apply the held charter if its ``effective`` day has come; True if it did."""
        async with self._lock:
            charter = self.pending
            if charter is None or not self._in_effect(charter):
                return False
            self.pending = None
            if charter.revision <= self.current.revision:
                return False
            self.current = charter
        log.info(
            "charter in effect",
            extra={"charter_version": charter.version, "revision": charter.revision},
        )
        self._wake.set()
        return True

    async def _on(self, msg: Msg) -> None:
        try:
            charter = Envelope.from_bytes(msg.data).data
            if not isinstance(charter, CharterPublished):
                raise EnvelopeError(f"{type(charter).__name__} is not a charter")
        except EnvelopeError as exc:
            # The reason names the field, never the payload.
            self.refused_total += 1
            log.warning("charter refused", extra={"error": type(exc).__name__})
            return
        try:
            await self.apply(charter)
        except Exception:  # the database is down: the hub re-sends until we report it
            log.exception("charter not applied")

    async def apply(self, charter: CharterPublished) -> bool:
        """Keep ``charter`` if it is newer and properly signed; applied at once when its day
        has come, else held until then; report at once. True if it was kept."""
        async with self._lock:
            if charter.revision <= max(self.current.revision, self._pending_revision()):
                return False
            if self._refuse(charter):
                self._wake.set()  # the hub hears of it at once
                return False
            await self.store.keep(self.db, charter)
            if self.refused is not None and self.refused.revision <= charter.revision:
                self.refused = None
            if self._in_effect(charter):
                self.current, self.pending = charter, None
                what = "charter applied"
            else:
                self.pending = charter
                what = "charter held until its effective day"
        log.info(what, extra={"charter_version": charter.version, "revision": charter.revision})
        self._wake.set()
        return True

    def _pending_revision(self) -> int:
        return 0 if self.pending is None else self.pending.revision

    def held_decisions(self, seq: int) -> None:
        """Note the newest decision log entry held and report it at once."""
        self.decisions_held = seq
        self._wake.set()

    def _refuse(self, charter: CharterPublished, *, signatures: bool = True) -> bool:
        """Whether ``charter`` falls short of m members' signatures (``signatures``: checked)
        or breaks the node's floors; if so it is remembered as refused."""
        if charter.revision == 0:
            return False
        unsigned = charter_shortfall(charter, self.directory(), self.current) if signatures else ()
        looser = () if self.floors is None else self.floors.looser(charter.disclosure)
        reasons = (*unsigned, *looser)
        if not reasons:
            return False
        if self.refused is None or self.refused.revision <= charter.revision:
            self.refused = CharterRefusal(
                revision=charter.revision, version=charter.version, reasons=reasons
            )
        log.warning(
            "charter refused",
            extra={"charter_version": charter.version, "reasons": ",".join(reasons)},
        )
        return True

    async def outbox_pending(self) -> int:
        """Shared events in the outbox not yet sent (local rows are the node's business)."""
        if self.outbox is None:
            return 0
        table = self.outbox.table
        async with self.db.unit_of_work(write=False) as session:
            count = await session.scalar(
                select(func.count())
                .select_from(table)
                .where(table.c.published_at.is_(None), table.c.subject.startswith("shared."))
            )
        return int(count or 0)

    def status(self, pending: int) -> ServiceStatusReported:
        """This service's status report as of now (signed when the node has a key)."""
        report = ServiceStatusReported(
            node=self.node,
            service=self.service,
            charter_version=self.current.version,
            charter_revision=self.current.revision,
            outbox_pending=pending,
            sent_at=datetime.now(UTC),
            charter_refused=self.refused,
            charter_pending=None if self.pending is None else self.pending.revision,
            decisions_held=self.decisions_held,
        )
        return report if self.sign is None else self.sign(report)

    async def report(self) -> None:
        """Send the status report now (a plain publish: the node's shared stream keeps it)."""
        if self._client is None or not self._client.is_connected:
            return
        envelope = Envelope.wrap(self.status(await self.outbox_pending()), node=self.node)
        await self._client.publish(
            envelope.subject, envelope.to_bytes(), headers={"Nats-Msg-Id": envelope.id}
        )
        # Counted once handed to the client: a subscriber may hear it before flush() returns.
        self.reports_total += 1
        await self._client.flush(timeout=5)
