"""The live funding feed: Server-Sent Events of new and changed grants.

A stream first replays every visible grant after the client's ``Last-Event-ID`` (a
``feed_seq``) from the database, then follows: it wakes when the ledger's own local events pass
on the node's broker (the relay publishes them after commit) and, whatever the broker does,
polls the database every ``poll`` seconds. The database is the only source of items, so a
missed or duplicated wake-up never loses or repeats one; event ids are ``feed_seq`` values, so
a reconnecting client resumes exactly where it stopped.

Streams end on client disconnect, when the caller's token is revoked (checked before every
read and keep-alive), after a bounded lifetime (the client reconnects with ``Last-Event-ID``
and its token is checked anew), on app shutdown (the lifespan closes the notifier) and when
uvicorn is told to exit: uvicorn waits for open responses before it runs the lifespan shutdown,
so the notifier also chains uvicorn's SIGINT/SIGTERM handler.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from types import FrameType
from typing import Any

import orjson
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from concordia.core.db import Database
from concordia.events import NatsLink
from concordia.events.runtime.tasks import cancel_and_wait
from concordia.ledger.feed import service as feed

log = logging.getLogger(__name__)
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class FeedNotifier:
    """Wakes live feed streams when a ledger event passes on the node's broker.

    Example::

        notifier = FeedNotifier(link, node="se")
        await notifier.start()          # subscribes once the link is up
        ticket = notifier.ticket()      # take before reading the database ...
        await notifier.wait(ticket, 1)  # ... then sleep until a change or the timeout
        await notifier.stop()           # ends every stream
    """

    def __init__(self, link: NatsLink | None, node: str) -> None:
        self.link, self.subject = link, f"local.{node}.ledger.>"
        self.closed = False
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._sub: Subscription | None = None
        self._chained: dict[int, Any] = {}

    async def start(self) -> None:
        """Subscribe to the ledger's local events in the background; chain uvicorn's exit."""
        if self.link is not None:
            self._task = asyncio.create_task(self._subscribe(), name="feed-notifier")
        self._chain_exit_signals()

    async def _subscribe(self) -> None:
        assert self.link is not None
        await self.link.wait_connected()
        # A core subscription: the relay's JetStream publishes reach it too, and nats-py
        # restores it after a reconnect. Losing one only delays streams until the next poll.
        self._sub = await self.link.client.subscribe(self.subject, cb=self._on_message)

    async def _on_message(self, _msg: Msg) -> None:
        self.notify()

    def ticket(self) -> asyncio.Event:
        """The wake-up a stream waits for; take it before reading, so no change slips by."""
        return self._changed

    def notify(self) -> None:
        """Wake every waiting stream."""
        fired, self._changed = self._changed, asyncio.Event()
        fired.set()

    async def wait(self, ticket: asyncio.Event, seconds: float) -> None:
        """Return on a change since ``ticket`` was taken, on close, or after ``seconds``."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await ticket.wait()

    def close(self) -> None:
        """End every stream (they finish their current write and return)."""
        self.closed = True
        self.notify()

    async def stop(self) -> None:
        """Close, unsubscribe and restore signal handlers."""
        self.close()
        self._unchain_exit_signals()
        await cancel_and_wait(self._task)
        if self._sub is not None:
            with contextlib.suppress(Exception):
                await self._sub.unsubscribe()

    def _chain_exit_signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()
        for sig in _SIGNALS:
            previous = signal.getsignal(sig)
            if getattr(previous, "__name__", "") != "handle_exit":  # only uvicorn's handler
                continue

            def handler(signum: int, frame: FrameType | None, previous: Any = previous) -> None:
                loop.call_soon_threadsafe(self.close)
                previous(signum, frame)

            signal.signal(sig, handler)
            self._chained[sig] = (previous, handler)

    def _unchain_exit_signals(self) -> None:
        for sig, (previous, handler) in self._chained.items():
            if signal.getsignal(sig) is handler:
                signal.signal(sig, previous)
        self._chained.clear()


def sse_event(item: dict[str, Any]) -> bytes:
    """One grant as an SSE event: ``id`` is its ``feed_seq``, ``data`` its feed item."""
    return b"id: %d\nevent: grant\ndata: %s\n\n" % (item["feed_seq"], orjson.dumps(item))


async def events(
    *,
    db: Database,
    notifier: FeedNotifier,
    after: int,
    is_disconnected: Callable[[], Awaitable[bool]],
    keepalive: float = 15.0,
    poll: float = 1.0,
    batch: int = 500,
    audience: frozenset[str] = feed.PUBLIC,
    allowed: Callable[[], bool] = lambda: True,
    lifetime: float = 3600.0,
) -> AsyncIterator[bytes]:
    """The SSE body: replay after ``after``, then follow until disconnect, shutdown, the end
    of ``lifetime`` seconds or the moment ``allowed()`` (the token still valid) turns false."""
    yield b"retry: 2000\n\n"
    cursor, idle_since = after, time.monotonic()
    ends = idle_since + lifetime
    while not notifier.closed and allowed() and time.monotonic() < ends:
        ticket = notifier.ticket()
        async with db.unit_of_work(write=False) as session:
            found = await feed.page(session=session, after=cursor, limit=batch, audience=audience)
        if found.rows:
            yield b"".join(sse_event(item) for item in found.items())
            cursor, idle_since = found.next, time.monotonic()
            continue  # a replay goes on until the database has nothing newer
        if await is_disconnected():
            return
        idle = time.monotonic() - idle_since
        if idle >= keepalive:
            yield b": keep-alive\n\n"
            idle_since, idle = time.monotonic(), 0.0
        await notifier.wait(ticket, max(0.0, min(poll, keepalive - idle, ends - time.monotonic())))
