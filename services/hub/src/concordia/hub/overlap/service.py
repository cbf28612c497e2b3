"""Overlap detection at the hub: relay opaque PSI messages between ledgers, record counts only.

The coordinator (``coordinator``) carries no dependency on ``openmined-psi``: the hub never
holds a PSI key nor parses a PSI message, and must not import ``private_set_intersection``
(tests/hub/test_hub_overlap.py checks the whole hub package).

``OverlapRounds`` wires it into the hub: the ``Federation`` tells it when a country's link is
up (one client per country account, user ``hub-<code>``) or gone, so a country added at run time
takes part in the next round; every run's outcome (a count, or a decline code and by whom) is
kept in ``overlap_outcomes``. A round runs in the background; the API answers with its run ids.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime
from itertools import permutations
from typing import NamedTuple

from nats.aio.client import Client
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database
from concordia.core.errors import ConflictError, DomainError
from concordia.events import quarter_of
from concordia.events.runtime.tasks import cancel_and_wait
from concordia.hub.models import OverlapOutcome
from concordia.hub.overlap.coordinator import OverlapCoordinator, PairOutcome

__all__ = ["OverlapRounds", "PlannedRun", "RateLimitedError", "outcomes"]

log = logging.getLogger(__name__)


class RateLimitedError(DomainError):
    """Every pair of the round has used today's runs for this period and purpose."""

    status = 429


class PlannedRun(NamedTuple):
    """One ordered pair of a round and the id its run goes by."""

    run_id: str
    client: str
    server: str


class OverlapRounds:
    """Runs overlap rounds across the linked countries and keeps their outcomes.

    Example::

        rounds = OverlapRounds(db, step_timeout=60, runs_per_day=2)
        federation.listeners.append(rounds)     # linked()/unlinked() as countries come and go
        planned = rounds.start_round(period="2026-Q4", purpose="independent_media")
        await rounds.stop()
    """

    def __init__(self, db: Database, *, step_timeout: float, runs_per_day: int) -> None:
        self.db = db
        self.coordinator = OverlapCoordinator(
            {}, step_timeout=step_timeout, runs_per_day=runs_per_day, on_outcome=self._keep
        )
        self._tasks: set[asyncio.Task[None]] = set()

    async def linked(self, code: str, client: Client) -> None:
        """A country's link is (again) up: listen to its PSI answers on that connection."""
        await self.coordinator.add_node(code, client)

    async def unlinked(self, code: str) -> None:
        """A country left the nodes directory: no more runs with it."""
        await self.coordinator.remove_node(code)

    def start_round(self, *, period: str, purpose: str) -> list[PlannedRun]:
        """Start one run per ordered pair of linked countries in the background; their ids.

        409 with fewer than two countries linked; 429 when the hub's daily limit leaves no pair
        a run (a pair over the limit among others is recorded as declined by the hub).
        """
        codes = sorted(self.coordinator.links)
        if len(codes) < 2:
            raise ConflictError(f"an overlap round needs two linked countries; linked: {codes}")
        pairs = list(permutations(codes, 2))
        allowed = self.coordinator.allowed
        if not any(allowed(a, b, period=period, purpose=purpose) for a, b in pairs):
            raise RateLimitedError(
                f"every pair ran {self.coordinator.runs_per_day} times today for {period} "
                f"and {purpose}; try again tomorrow (UTC)"
            )
        planned = [PlannedRun(str(uuid.uuid4()), a, b) for a, b in pairs]
        task = asyncio.create_task(self._run(planned, period, purpose), name="overlap-round")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return planned

    async def _run(self, planned: list[PlannedRun], period: str, purpose: str) -> None:
        results = await asyncio.gather(
            *(
                self.coordinator.run_pair(
                    p.client, p.server, period=period, purpose=purpose, run_id=p.run_id
                )
                for p in planned
            ),
            return_exceptions=True,
        )
        for run, result in zip(planned, results, strict=True):
            if isinstance(result, BaseException):  # e.g. a country removed mid-round
                log.warning("psi run not run", extra={"run": run.run_id, "error": repr(result)})
                # Its id went out with the 202: record how it ended rather than leave a hole.
                await self._keep(
                    PairOutcome(
                        run.run_id, period, purpose, run.client, run.server, "declined",
                        declined_by="hub", reason="failed", at=datetime.now(UTC),
                    )
                )  # fmt: skip

    async def wait_idle(self) -> None:
        """Wait until every started round has ended (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _keep(self, outcome: PairOutcome) -> None:
        """Store one run's outcome: counts and codes only."""
        async with self.db.unit_of_work() as session:
            if await session.get(OverlapOutcome, outcome.run_id) is not None:
                return
            session.add(
                OverlapOutcome(
                    run_id=outcome.run_id, period=outcome.period, purpose=outcome.purpose,
                    client=outcome.client, server=outcome.server, status=outcome.status,
                    count=outcome.count, declined_by=outcome.declined_by, reason=outcome.reason,
                    at=outcome.at or datetime.now(UTC),
                )
            )  # fmt: skip

    async def schedule(self, interval: float, purposes: tuple[str, ...]) -> None:
        """Every ``interval`` s a round of the current quarter for each purpose, until cancelled."""
        while True:
            await asyncio.sleep(interval)
            period = quarter_of(datetime.now(UTC).date())
            for purpose in purposes:
                try:
                    self.start_round(period=period, purpose=purpose)
                except DomainError as exc:  # too few countries, or today's runs used
                    log.info("scheduled overlap round skipped", extra={"why": exc.detail})

    async def stop(self) -> None:
        """Cancel running rounds and unsubscribe."""
        await cancel_and_wait(*self._tasks)
        await self.coordinator.stop()


async def outcomes(*, session: AsyncSession, period: str, purpose: str) -> list[OverlapOutcome]:
    """The newest outcome of each ordered pair for ``period`` and ``purpose``."""
    rows = await session.scalars(
        select(OverlapOutcome)
        .where(OverlapOutcome.period == period, OverlapOutcome.purpose == purpose)
        .order_by(OverlapOutcome.at.desc())
    )
    newest: dict[tuple[str, str], OverlapOutcome] = {}
    for row in rows:
        newest.setdefault((row.client, row.server), row)
    return sorted(newest.values(), key=lambda r: (r.client, r.server))
