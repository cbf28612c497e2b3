"""The hub's side of overlap detection: relay opaque PSI messages between nodes, keep counts.

The coordinator never holds a key and never parses a PSI message: it moves base64 blobs (and the
ledgers' seals of them, which it cannot make: each node checks its peer's) from
one country's account to another's and records, per ordered pair, only how the run ended (a
count, a decline with a reason code, or a timeout). It deliberately does not import
``private_set_intersection``; a test checks that.

Each country is reached through its own NATS client (the hub binds every country to its own
account, so no connection sees two countries). Nodes answer on
``shared.<node>.ledger.psi.<run>.<step>``; the hub speaks on ``hub.psi.<node>.<run>.<step>``.
Runs are cheap to repeat (fresh keys, nothing half-done survives), so hub → node messages are
plain core-NATS publishes and a lost message is a ``timeout`` outcome, retried in a later round.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import permutations
from typing import Literal

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from concordia.events._envelope import Envelope, EnvelopeError
from concordia.events._model import Event
from concordia.events.overlap import (
    PsiAnswer,
    PsiInvitation,
    PsiRequest,
    PsiResponse,
    PsiResult,
)

log = logging.getLogger(__name__)

Status = Literal["counted", "declined", "timeout", "rate_limited"]
_STEPS: dict[str, type[Event]] = {
    "request": PsiRequest,
    "response": PsiResponse,
    "result": PsiResult,
}


@dataclass(frozen=True, slots=True)
class PairOutcome:
    """How one run (client learns its grantees funded by server) ended, as the hub records it.

    Example::

        PairOutcome(run_id="…", period="2026-Q4", purpose="independent_media",
                    client="se", server="pl", status="counted", count=3)
    """

    run_id: str
    period: str
    purpose: str
    client: str
    server: str
    status: Status
    count: int | None = None
    #: The node that declined, and its reason code; or the step that timed out.
    declined_by: str | None = None
    reason: str | None = None
    at: datetime | None = None


class OverlapCoordinator:
    """Runs PSI between every ordered pair of nodes for a period and purpose, counts only.

    Example::

        coordinator = OverlapCoordinator({"se": nc_se, "pl": nc_pl, "de": nc_de})
        await coordinator.start()
        outcomes = await coordinator.run_round(period="2026-Q4", purpose="independent_media")
        await coordinator.stop()
    """

    def __init__(
        self,
        links: Mapping[str, Client],
        *,
        step_timeout: float = 60.0,
        runs_per_day: int = 2,
        concurrency: int = 2,
        on_outcome: Callable[[PairOutcome], Awaitable[None]] | None = None,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self.links: dict[str, Client] = {}
        self.step_timeout, self.runs_per_day = step_timeout, runs_per_day
        self.on_outcome, self.today = on_outcome, today
        self.outcomes: list[PairOutcome] = []
        #: Messages that matched no waiting step: duplicates, replays, late or foreign ones.
        self.ignored = 0
        self._limit = asyncio.Semaphore(concurrency)
        self._subs: dict[str, Subscription] = {}
        self._waiting: dict[tuple[str, str], tuple[frozenset[str], asyncio.Future[Event]]] = {}
        self._runs_today: dict[tuple[date, str, str, str, str], int] = {}
        self._pending_links = dict(links)

    async def start(self) -> None:
        """Subscribe to every country's PSI answers."""
        for code, nc in self._pending_links.items():
            await self.add_node(code, nc)
        self._pending_links.clear()

    async def add_node(self, code: str, nc: Client) -> None:
        """Take a country in at run time (its own account's client)."""
        if code in self._subs:
            await self._subs.pop(code).unsubscribe()
        self.links[code] = nc

        async def on_message(msg: Msg) -> None:
            self._deliver(code, msg)

        self._subs[code] = await nc.subscribe(f"shared.{code}.ledger.psi.>", cb=on_message)
        await nc.flush()

    async def remove_node(self, code: str) -> None:
        """Stop running PSI with a country (no new run starts with it from this call on)."""
        self.links.pop(code, None)
        sub = self._subs.pop(code, None)
        if sub is not None:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()

    async def stop(self) -> None:
        """Unsubscribe; waiting runs end as timeouts."""
        for code in list(self._subs):
            await self.remove_node(code)

    async def run_round(
        self, *, period: str, purpose: str, nodes: Iterable[str] | None = None
    ) -> list[PairOutcome]:
        """One run per ordered pair of ``nodes`` (default: all), so each learns its own overlaps."""
        codes = sorted(nodes if nodes is not None else self.links)
        pairs = list(permutations(codes, 2))
        return list(
            await asyncio.gather(
                *(self.run_pair(a, b, period=period, purpose=purpose) for a, b in pairs)
            )
        )

    def allowed(self, client: str, server: str, *, period: str, purpose: str) -> bool:
        """Whether the hub's daily limit lets ``client`` and ``server`` run once more today."""
        key = (self.today(), client, server, period, purpose)
        return self._runs_today.get(key, 0) < self.runs_per_day

    async def run_pair(
        self, client: str, server: str, *, period: str, purpose: str, run_id: str | None = None
    ) -> PairOutcome:
        """Run PSI with ``client`` learning which of its grantees ``server`` funds too."""
        run_id = run_id or str(uuid.uuid4())
        outcome = await self._limited(run_id, client, server, period, purpose)
        self.outcomes.append(outcome)
        log.info(
            "psi run ended",
            extra={"run": run_id, "client": client, "server": server, "status": outcome.status},
        )
        if self.on_outcome is not None:
            await self.on_outcome(outcome)
        return outcome

    async def _limited(
        self, run_id: str, client: str, server: str, period: str, purpose: str
    ) -> PairOutcome:
        def ended(
            status: Status,
            *,
            count: int | None = None,
            declined_by: str | None = None,
            reason: str | None = None,
        ) -> PairOutcome:
            return PairOutcome(
                run_id, period, purpose, client, server, status, count, declined_by, reason,
                datetime.now(UTC),
            )  # fmt: skip

        if client == server or client not in self.links or server not in self.links:
            raise ValueError(f"no pair {client!r} → {server!r} among {sorted(self.links)}")
        today = self.today()
        for old in [k for k in self._runs_today if k[0] != today]:  # only today's runs count
            del self._runs_today[old]
        key = (today, client, server, period, purpose)
        if not self.allowed(client, server, period=period, purpose=purpose):
            return ended("rate_limited", declined_by="hub", reason="rate_limited")
        self._runs_today[key] = self._runs_today.get(key, 0) + 1
        async with self._limit:
            step = "request"
            try:
                reply = await self._exchange(
                    client, run_id, {"request", "result"},
                    PsiInvitation(node=client, run_id=run_id, period=period, purpose=purpose,
                                  role="client", peer=server),
                )  # fmt: skip
                if isinstance(reply, PsiResult):  # a counted result here is out of turn
                    return ended("declined", declined_by=client, reason=_why(reply))
                assert isinstance(reply, PsiRequest)
                step = "response"
                answer = await self._exchange(
                    server, run_id, {"response", "result"},
                    PsiInvitation(node=server, run_id=run_id, period=period, purpose=purpose,
                                  role="server", peer=client, request=reply.request,
                                  request_seal=reply.seal),
                )  # fmt: skip
                if isinstance(answer, PsiResult):
                    return ended("declined", declined_by=server, reason=_why(answer))
                assert isinstance(answer, PsiResponse)
                step = "result"
                result = await self._exchange(
                    client, run_id, {"result"},
                    PsiAnswer(node=client, run_id=run_id, setup=answer.setup,
                              response=answer.response, seal=answer.seal),
                )  # fmt: skip
            except TimeoutError:
                return ended("timeout", reason=step)
        assert isinstance(result, PsiResult)
        if result.outcome == "declined" or result.role != "client":
            return ended("declined", declined_by=client, reason=_why(result))
        return ended("counted", count=result.count)

    async def _exchange(self, node: str, run_id: str, steps: set[str], message: Event) -> Event:
        """Send ``message`` to ``node`` and wait (bounded) for its reply on one of ``steps``."""
        future: asyncio.Future[Event] = asyncio.get_running_loop().create_future()
        self._waiting[(run_id, node)] = (frozenset(steps), future)
        try:
            envelope = Envelope.wrap(message, node="hub")
            nc = self.links[node]
            await nc.publish(
                envelope.subject, envelope.to_bytes(), headers={"Nats-Msg-Id": envelope.id}
            )
            await nc.flush()
            async with asyncio.timeout(self.step_timeout):
                return await future
        finally:
            self._waiting.pop((run_id, node), None)

    def _deliver(self, code: str, msg: Msg) -> None:
        """Hand a node's message to the run step waiting for it; count anything else."""
        parts = msg.subject.split(".")
        # shared.<code>.ledger.psi.<run>.<step>; the account guarantees <code>, we check anyway.
        if len(parts) != 6 or parts[1] != code or parts[5] not in _STEPS:
            self.ignored += 1
            return
        run_id, step = parts[4], parts[5]
        waiting = self._waiting.get((run_id, code))
        if waiting is None or step not in waiting[0] or waiting[1].done():
            self.ignored += 1  # a duplicate, a replay or a late answer: counted once, already
            return
        try:
            envelope = Envelope.from_bytes(msg.data)
        except EnvelopeError as exc:
            log.warning("psi message refused", extra={"node": code, "error": str(exc)[:200]})
            self.ignored += 1
            return
        data = envelope.data
        if not isinstance(data, _STEPS[step]) or envelope.subject != msg.subject:
            self.ignored += 1
            return
        if getattr(data, "run_id", None) != run_id:
            self.ignored += 1
            return
        waiting[1].set_result(data)


def _why(result: PsiResult) -> str:
    """A decline's reason; a result out of turn or role counts as a bad message."""
    return result.reason if result.outcome == "declined" and result.reason else "bad_message"
