"""A lease row that lets exactly one relay per database publish, whatever the process count.

Portable across SQLite and PostgreSQL: one conditional UPDATE takes or renews the lease (only if
we hold it or it expired), and an INSERT creates the row the first time (a primary-key clash means
another process won). Expiry uses the application clock in epoch milliseconds, so hosts need
clocks synchronised well within the TTL (NTP is plenty for a TTL of seconds).
"""

from __future__ import annotations

import time

from sqlalchemy import Table, insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


class Lease:
    """A named, expiring lease held by one ``holder`` at a time.

    Example::

        lease = Lease(db.sessionmaker, outbox.lease_table, holder="host:1234", ttl=15)
        if await lease.acquire():      # take or renew; False while another holder's is valid
            ...
        await lease.release()
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        table: Table,
        *,
        holder: str,
        ttl: float,
        name: str = "outbox-relay",
    ) -> None:
        self._sessionmaker = sessionmaker
        self._table = table
        self.holder = holder
        self.ttl = ttl
        self.name = name
        #: Monotonic time until which we know we hold the lease (0 when we do not).
        self.valid_until = 0.0

    @property
    def held(self) -> bool:
        """Whether we hold a lease that has not expired by our own monotonic clock."""
        return time.monotonic() < self.valid_until

    @property
    def needs_renewal(self) -> bool:
        """Whether to call ``acquire`` now: not held, or a third of the TTL has passed."""
        return self.valid_until - time.monotonic() < self.ttl * 2 / 3

    async def acquire(self) -> bool:
        """Take the lease if it is free or expired, or renew ours; tell whether we hold it."""
        started = time.monotonic()
        now_ms = int(time.time() * 1000)
        expires = now_ms + int(self.ttl * 1000)
        table = self._table
        async with self._sessionmaker() as session, session.begin():
            result = await session.execute(
                update(table)
                .where(
                    table.c.name == self.name,
                    or_(table.c.holder == self.holder, table.c.expires_at_ms < now_ms),
                )
                .values(holder=self.holder, expires_at_ms=expires)
            )
            won = int(getattr(result, "rowcount", 0) or 0) == 1
        if not won:
            won = await self._create(expires)
        # Count from before the round trip, so our view never outlasts the row's expiry.
        self.valid_until = started + self.ttl if won else 0.0
        return won

    async def _create(self, expires_ms: int) -> bool:
        try:
            async with self._sessionmaker() as session, session.begin():
                await session.execute(
                    insert(self._table).values(
                        name=self.name, holder=self.holder, expires_at_ms=expires_ms
                    )
                )
        except IntegrityError:
            return False
        return True

    async def release(self) -> None:
        """Give the lease up now, so another process can take over without waiting."""
        self.valid_until = 0.0
        table = self._table
        async with self._sessionmaker() as session, session.begin():
            await session.execute(
                update(table)
                .where(table.c.name == self.name, table.c.holder == self.holder)
                .values(expires_at_ms=0)
            )
