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

The read-ahead runs ``depth`` pages ahead of the portal (2 by default): as soon as a page being
built has read its grants and they fill it, the page after it is started, so one page's
statements run (in their own connection's thread, outside the GIL) while the page before is
turned into JSON. A page built as the portal asks for it starts the next one the same way.

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
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database
from concordia.ledger.feed.body import Encoded, OnFull, encoded, page_body
from concordia.ledger.models import FeedCounter

log = logging.getLogger(__name__)

Key = tuple[int, int, frozenset[str]]
Page = tuple[bytes, int]


@dataclass
class _Ahead:
    task: asyncio.Task[tuple[Any, Page, Encoded]]
    started: float
    #: Pages to read ahead from this one on (itself included).
    depth: int
    coding: str | None
    #: The page after it, once its grants are read and fill it.
    following: int | None = None


async def counters(session: AsyncSession) -> tuple[Any, ...]:
    """The feed counters: any grant that changes or appears moves one of them."""
    query = select(FeedCounter.name, FeedCounter.value).order_by(FeedCounter.name)
    return tuple((await session.execute(query)).all())


class ReadAhead:
    """Pages being read ahead, by (after, limit, audience)."""

    def __init__(
        self, db: Database, *, keep_seconds: float = 5.0, slots: int = 4, depth: int = 2
    ) -> None:
        self.db = db
        self.keep_seconds, self.slots, self.depth = keep_seconds, slots, depth
        self._pages: dict[Key, _Ahead] = {}

    def start(
        self,
        after: int,
        limit: int,
        audience: frozenset[str],
        coding: str | None = None,
        *,
        depth: int | None = None,
    ) -> None:
        """Start building the page after ``after`` (unless it is under way already), encoded
        in ``coding`` too (the coding the portal took the page before in), and the pages after
        it up to ``depth`` pages in all (the read-ahead's own depth by default)."""
        depth = self.depth if depth is None else depth
        key = (after, limit, audience)
        self._expire()
        ahead = self._pages.get(key)
        if ahead is not None:  # under way: read on from it as far as now asked
            if depth > ahead.depth:
                ahead.depth = depth
                if ahead.following is not None:
                    self.start(ahead.following, limit, audience, ahead.coding, depth=depth - 1)
            return
        if depth < 1 or len(self._pages) >= self.slots:
            return
        task = asyncio.create_task(self._build(key, coding), name=f"feed-ahead-{after}")
        task.add_done_callback(_retrieve)  # a failure dropped unseen is still retrieved
        self._pages[key] = _Ahead(task, time.monotonic(), depth, coding)

    def full(self, key: Key, coding: str | None) -> OnFull:
        """What :func:`page_body` calls when the page of ``key`` proves full: the page after
        it is started (a page built for a request: as the read-ahead's first page)."""
        _, limit, audience = key

        def following(after: int) -> None:
            ahead = self._pages.get(key)
            if ahead is None:  # built for a request, or taken meanwhile
                self.start(after, limit, audience, coding)
                return
            ahead.following = after
            self.start(after, limit, audience, ahead.coding, depth=ahead.depth - 1)

        return following

    async def take(self, session: AsyncSession, key: Key) -> tuple[Page, Encoded] | None:
        """The page read ahead for ``key`` if it is still what a read now may give, else None;
        with it, the page encoded as the request that started it would take it.

        ``session`` reads the counters now; the page is given once (a second request reads).
        """
        ahead = self._pages.pop(key, None)
        if ahead is None:
            return None
        if time.monotonic() - ahead.started > self.keep_seconds:
            ahead.task.cancel()
            return None
        try:
            seen, page, sent = await ahead.task
        except Exception:  # the request builds the page itself
            log.exception("reading a feed page ahead failed")
            return None
        if time.monotonic() - ahead.started > self.keep_seconds:
            return None
        return (page, sent) if seen == await counters(session) else None

    async def _build(self, key: Key, coding: str | None) -> tuple[Any, Page, Encoded]:
        after, limit, audience = key
        async with self.db.unit_of_work(write=False) as session:
            seen = await counters(session)  # first: a change after it makes the page unusable
            page = await page_body(session=session, after=after, limit=limit,
                                   audience=audience, on_full=self.full(key, coding))  # fmt: skip
        return seen, page, await encoded(page[0], coding)

    def _expire(self) -> None:
        now = time.monotonic()
        for key, ahead in list(self._pages.items()):
            if now - ahead.started > self.keep_seconds:
                ahead.task.cancel()
                del self._pages[key]

    async def stop(self) -> None:
        """Cancel every page under way."""
        tasks = [ahead.task for ahead in self._pages.values()]
        self._pages.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def _retrieve(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()
