"""Read-ahead of the funding feed: the page after a full one, built while the portal reads.

A portal's full pull asks for page N+1 only once page N has arrived and it has started parsing
it, so the server stood idle for a good part of every page (measured: busy 56 % of a
million-grant pull). After serving a full page, the feed starts building the next one, the
page after ``next``, for the same audience and limit; the request for it takes the bytes.

A page read ahead is what that request would have got had it come a moment earlier, which a
keyset feed allows: a change moves its grant to the end, where the portal still finds it. It
is served only if no grant moved since (the feed counters are the same), and for at most
``keep_seconds``, so a later change of anything else (a rate, a donor's name) is never held
back longer than that. Few pages are kept (``slots``; each is the page's JSON bytes and the
same compressed as the portal took the page before, with its ETag: that work is done ahead
too, in a worker thread).

Example::

    ahead = ReadAhead(db)
    found = await ahead.take(session, (after, limit, audience))   # ((bytes, count), encoded)
    ...
    ahead.start(next_after, limit, audience, "gzip")    # after a full page
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database
from concordia.ledger.feed.body import Encoded, encoded, page_body
from concordia.ledger.models import FeedCounter

log = logging.getLogger(__name__)

Key = tuple[int, int, frozenset[str]]
Page = tuple[bytes, int]


@dataclass
class _Ahead:
    started: float
    coding: str | None
    task: asyncio.Task[tuple[Any, Page, Encoded]] | None = None
    #: A request waits for this page (so the portal will ask for the one after it).
    wanted: bool = False
    #: The ``next`` of this page once its grants are read and fill it.
    following: int | None = None


async def counters(session: AsyncSession) -> tuple[Any, ...]:
    """The feed counters: any grant that changes or appears moves one of them."""
    query = select(FeedCounter.name, FeedCounter.value).order_by(FeedCounter.name)
    return tuple((await session.execute(query)).all())


class ReadAhead:
    """Pages being read ahead, by (after, limit, audience)."""

    def __init__(self, db: Database, *, keep_seconds: float = 5.0, slots: int = 4) -> None:
        self.db = db
        self.keep_seconds, self.slots = keep_seconds, slots
        self._pages: dict[Key, _Ahead] = {}

    def start(
        self, after: int, limit: int, audience: frozenset[str], coding: str | None = None
    ) -> None:
        """Start building the page after ``after`` (unless it is under way already), encoded
        in ``coding`` too (the coding the portal took the page before in)."""
        key = (after, limit, audience)
        self._expire()
        if key in self._pages or len(self._pages) >= self.slots:
            return
        ahead = _Ahead(time.monotonic(), coding)
        task = asyncio.create_task(self._build(key, ahead), name=f"feed-ahead-{after}")
        task.add_done_callback(_retrieve)  # a failure dropped unseen is still retrieved
        ahead.task = task
        self._pages[key] = ahead

    def following(
        self, limit: int, audience: frozenset[str], coding: str | None
    ) -> Callable[[int], None]:
        """An ``on_full`` for the page a request builds itself: the page after it starts as
        soon as its ``next`` is known, since the portal is waiting for this one."""
        return lambda following: self.start(following, limit, audience, coding)

    async def take(self, session: AsyncSession, key: Key) -> tuple[Page, Encoded] | None:
        """The page read ahead for ``key`` if it is still what a read now may give, else None;
        with it, the page encoded as the request that started it would take it.

        ``session`` reads the counters now; the page is given once (a second request reads).
        """
        ahead = self._pages.pop(key, None)
        if ahead is None or ahead.task is None:
            return None
        if time.monotonic() - ahead.started > self.keep_seconds:
            ahead.task.cancel()
            return None
        ahead.wanted = True
        if ahead.following is not None:  # its grants are read already: start the next
            self.start(ahead.following, key[1], key[2], ahead.coding)
        try:
            seen, page, sent = await ahead.task
        except Exception:  # the request builds the page itself
            log.exception("reading a feed page ahead failed")
            return None
        if time.monotonic() - ahead.started > self.keep_seconds:
            return None
        return (page, sent) if seen == await counters(session) else None

    async def _build(self, key: Key, ahead: _Ahead) -> tuple[Any, Page, Encoded]:
        after, limit, audience = key

        def full(following: int) -> None:
            # A page the portal already waits for: the page after it starts now, its reads
            # beside this page's building (at most one page beyond the one requested).
            ahead.following = following
            if ahead.wanted:
                self.start(following, limit, audience, ahead.coding)

        async with self.db.unit_of_work(write=False) as session:
            seen = await counters(session)  # first: a change after it makes the page unusable
            page = await page_body(
                session=session, after=after, limit=limit, audience=audience, on_full=full
            )
        return seen, page, await encoded(page[0], ahead.coding)

    def _expire(self) -> None:
        now = time.monotonic()
        for key, ahead in list(self._pages.items()):
            if now - ahead.started > self.keep_seconds:
                if ahead.task is not None:
                    ahead.task.cancel()
                del self._pages[key]

    async def stop(self) -> None:
        """Cancel every page under way."""
        tasks = [ahead.task for ahead in self._pages.values() if ahead.task is not None]
        self._pages.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def _retrieve(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()
