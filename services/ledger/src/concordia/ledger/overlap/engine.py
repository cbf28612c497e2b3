"""The ledger's side of overlap detection: answer the hub's PSI runs over the COALITION link.

Subscribes ``hub.psi.<node>.>`` on the given NATS client (the COALITION account's ``ledger-shared``
user) and replies on ``shared.<node>.ledger.psi.<run>.<step>``. Replies are published straight to
JetStream and wait for the broker's ack, not through the outbox: a run is disposable (fresh keys,
held in memory only), so a reply lost in a crash costs a timeout at the hub and a retry in a
later round, never a wrong count. PSI work runs in a thread, off the event loop.

Only the leader replica answers (``is_leader``), since a client run's key lives in one process.
Messages are handled one at a time, in order; a replayed invitation or answer is refused (the
run is already recorded), so nothing is counted twice.

Signed end to end (``concordia.events.psi_seal``): the client seals its request for the server,
the server its response for the client, each with the node key (``NodeIdentity``). A node takes
part only with a peer of its pinned directory, and checks the peer's seal (sender, recipient,
run, purpose, period, expiry, payload) before it reads its own grantees (server) or counts
(client). A refused message is logged, counted (``concordia_ledger_psi_refused_total``),
recorded as a declined run with the refusal's code, and (but for a replay) reported to the hub
as a declined result.

Example::

    engine = OverlapEngine(db, coalition_link.client, node="se", limits=RunLimits())
    await engine.start()
    ...
    await engine.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.errors import NoStreamResponseError
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

from concordia.core.db import Database
from concordia.events import (
    PSI_MESSAGE_TTL_SECONDS,
    DeclineReason,
    Envelope,
    EnvelopeError,
    Event,
    PsiAnswer,
    PsiInvitation,
    PsiRequest,
    PsiResponse,
    PsiResult,
    PsiRole,
    SealProblem,
    check_seal,
    make_seal,
    payload_digest,
    response_digest,
)
from concordia.identity import NodeIdentity
from concordia.ledger.overlap import psi
from concordia.ledger.overlap import service as overlaps
from concordia.ledger.service._common import now

log = logging.getLogger(__name__)


@dataclass(slots=True)
class EngineMetrics:
    """What the engine did, for tests and metrics."""

    handled: int = 0
    ignored: int = 0
    declined: dict[str, int] = field(default_factory=dict)
    #: Peer messages refused by their seal (or a replayed run id), per reason code.
    refused: dict[str, int] = field(default_factory=dict)
    published: int = 0


class EngineCollector(Collector):
    """Exports the engine's refusals as ``concordia_ledger_psi_refused_total{reason}``.

    Example::

        EngineCollector(lambda: state.engine).register(rt.metrics)
    """

    def __init__(self, engine: Callable[[], OverlapEngine | None]) -> None:
        self.engine = engine

    def register(self, registry: CollectorRegistry) -> None:
        """Add this collector to ``registry``."""
        registry.register(self)

    def collect(self) -> Iterator[CounterMetricFamily]:
        """Yield the refusals so far, per reason."""
        family = CounterMetricFamily(
            "concordia_ledger_psi_refused",
            "PSI messages refused: unsigned, unknown peer, bad signature, redirected, replayed…",
            labels=["reason"],
        )
        engine = self.engine()
        for reason, count in sorted((engine.metrics.refused if engine else {}).items()):
            family.add_metric([reason], count)
        yield family


@dataclass(frozen=True, slots=True)
class _Pending:
    """A client run waiting for the server's answer: its key and what the answer must match."""

    run: psi.ClientRun
    deadline: float
    peer: str
    period: str
    purpose: str
    request: bytes


class OverlapEngine:
    """Answers PSI invitations and answers from the hub for one node.

    Example::

        engine = OverlapEngine(db, nc, node="se", limits=RunLimits(min_set_size=5))
        await engine.start()
    """

    def __init__(
        self,
        db: Database,
        nc: Client,
        *,
        node: str,
        limits: overlaps.RunLimits | None = None,
        run_ttl: float = 900.0,
        is_leader: Callable[[], bool] = lambda: True,
        ack_timeout: float = 5.0,
        clock: Callable[[], datetime] = now,
        message_ttl: float = PSI_MESSAGE_TTL_SECONDS,
        identity: NodeIdentity | None = None,
    ) -> None:
        self.db, self.nc, self.node = db, nc, node
        #: The node key that seals this node's messages and the pinned directory that names its
        #: peers; without one the node takes part in no run (declined ``unsigned``).
        self.identity = identity
        self.limits = limits or overlaps.RunLimits()
        self.run_ttl, self.is_leader, self.ack_timeout = run_ttl, is_leader, ack_timeout
        self.metrics = EngineMetrics()
        #: Today's date decides which quarters the node takes part in and the daily allowances.
        self.clock = clock
        #: Seconds the streams keep each message this engine publishes (whole seconds, >= 1).
        self.message_ttl = message_ttl
        self._pending: dict[str, _Pending] = {}
        self._sub: Subscription | None = None

    async def start(self) -> None:
        """Subscribe to what the hub sends this node about PSI (once; NATS resubscribes itself)."""
        if self._sub is not None:
            return
        self._sub = await self.nc.subscribe(f"hub.psi.{self.node}.>", cb=self._on_message)
        await self.nc.flush()

    async def stop(self) -> None:
        """Unsubscribe and forget every run's key."""
        if self._sub is not None:
            with contextlib.suppress(Exception):
                await self._sub.unsubscribe()
            self._sub = None
        self._pending.clear()

    async def _on_message(self, msg: Msg) -> None:
        try:
            await self.handle(msg.subject, msg.data)
        except Exception:  # one bad run must not stop the subscription
            log.exception("psi message failed", extra={"subject": msg.subject})

    async def handle(self, subject: str, data: bytes) -> None:
        """Handle one hub message (``hub.psi.<node>.<run>.<step>``)."""
        self._expire()
        if not self.is_leader():
            return
        try:
            envelope = Envelope.from_bytes(data)
        except EnvelopeError as exc:
            self._ignore(f"not a PSI message: {exc}")
            return
        message = envelope.data
        if envelope.subject != subject or getattr(message, "node", None) != self.node:
            self._ignore("addressed to another subject or node")
            return
        self.metrics.handled += 1
        if isinstance(message, PsiInvitation):
            await (self._serve if message.role == "server" else self._request)(message)
        elif isinstance(message, PsiAnswer):
            await self._conclude(message)
        else:
            self._ignore(f"unexpected {envelope.type}")

    async def _open(self, message: PsiInvitation) -> overlaps.Opened | None:
        async with self.db.unit_of_work() as session:
            opened = await overlaps.open_run(
                session=session, invitation=message, limits=self.limits, at=self.clock()
            )
        if opened is None:
            await self._refuse(message.run_id, message.role, "replayed", known=True)
        elif opened.reason is not None:
            await self._decline(message.run_id, message.role, opened.reason)
            return None
        return opened

    async def _request(self, message: PsiInvitation) -> None:
        """As client: blind our identifiers with a fresh key, seal the request for the peer."""
        identity = self.identity
        peers = identity.keys() if identity is not None else {}
        if identity is None or message.peer not in peers:
            reason: SealProblem = "unsigned" if identity is None else "unknown_peer"
            await self._refuse_invitation(message, reason)
            return
        opened = await self._open(message)
        if opened is None:
            return
        run, request = await asyncio.to_thread(psi.client_request, opened.identifiers)
        seal = make_seal(
            identity, step="request", recipient=message.peer, run_id=message.run_id,
            purpose=message.purpose, period=message.period, digest=payload_digest(request),
            now=self.clock(), ttl=self.run_ttl,
        )  # fmt: skip
        self._pending[message.run_id] = _Pending(
            run, time.monotonic() + self.run_ttl, message.peer, message.period, message.purpose,
            request,
        )  # fmt: skip
        await self._publish(PsiRequest(run_id=message.run_id, request=request, seal=seal))

    async def _serve(self, message: PsiInvitation) -> None:
        """As server: check the client's seal, answer with a fresh key, seal it; learn nothing."""
        assert message.request is not None  # the model requires it for a server
        identity = self.identity
        problem: SealProblem | None = "unsigned"
        if identity is not None:
            problem = check_seal(
                message.request_seal, identity.keys(), step="request", sender=message.peer,
                recipient=self.node, run_id=message.run_id, purpose=message.purpose,
                period=message.period, digest=payload_digest(message.request), now=self.clock(),
            )  # fmt: skip
        if problem is not None or identity is None:
            await self._refuse_invitation(message, problem or "unsigned")
            return
        opened = await self._open(message)
        if opened is None:
            return
        try:
            setup, response = await asyncio.to_thread(
                psi.server_answer, opened.identifiers, message.request
            )
        except psi.BadPsiMessageError as exc:
            log.warning("psi request refused", extra={"run": message.run_id, "error": str(exc)})
            await self._finish(message.run_id, "declined", "bad_message")
            await self._decline(message.run_id, "server", "bad_message")
            return
        await self._finish(message.run_id, "answered", None)
        seal = make_seal(
            identity, step="response", recipient=message.peer, run_id=message.run_id,
            purpose=message.purpose, period=message.period,
            digest=response_digest(message.request, setup, response), now=self.clock(),
            ttl=self.run_ttl,
        )  # fmt: skip
        await self._publish(
            PsiResponse(run_id=message.run_id, setup=setup, response=response, seal=seal)
        )

    async def _conclude(self, message: PsiAnswer) -> None:
        """As client: check the server's seal, intersect, keep which of our grantees the peer
        funds, report the count."""
        pending = self._pending.pop(message.run_id, None)
        if pending is None:
            # Answered already (a replay), or expired, or the key went with a restart.
            await self._refuse(message.run_id, "client", "replayed", known=True)
            return
        problem = check_seal(
            message.seal, self.identity.keys() if self.identity else {}, step="response",
            sender=pending.peer, recipient=self.node, run_id=message.run_id,
            purpose=pending.purpose, period=pending.period,
            digest=response_digest(pending.request, message.setup, message.response),
            now=self.clock(),
        )  # fmt: skip
        if problem is not None:
            await self._finish(message.run_id, "declined", problem)
            await self._refuse(message.run_id, "client", problem, known=True, report=True)
            return
        try:
            found = await asyncio.to_thread(
                psi.client_intersection, pending.run, message.setup, message.response
            )
        except psi.BadPsiMessageError as exc:
            log.warning("psi answer refused", extra={"run": message.run_id, "error": str(exc)})
            await self._finish(message.run_id, "declined", "bad_message")
            await self._decline(message.run_id, "client", "bad_message")
            return
        async with self.db.unit_of_work() as session:
            count = await overlaps.record_matches(
                session=session, run_id=message.run_id, found=found, at=self.clock()
            )
        if count is None:
            self._ignore("the run was already concluded")
            return
        await self._publish(
            PsiResult(run_id=message.run_id, role="client", outcome="counted", count=count)
        )

    async def _finish(self, run_id: str, status: str, reason: str | None) -> None:
        async with self.db.unit_of_work() as session:
            await overlaps.finish_run(
                session=session, run_id=run_id, status=status, reason=reason, at=self.clock()
            )

    async def _refuse_invitation(self, message: PsiInvitation, reason: SealProblem) -> None:
        """Record a run refused before it opened (a replay if its id is known) and report it."""
        async with self.db.unit_of_work() as session:
            recorded = await overlaps.refuse_run(
                session=session, invitation=message, reason=reason, at=self.clock()
            )
        if not recorded:
            reason = "replayed"
        await self._refuse(message.run_id, message.role, reason, known=True, report=recorded)

    async def _refuse(
        self, run_id: str, role: PsiRole, reason: SealProblem, *, known: bool, report: bool = False
    ) -> None:
        """Count and log a refused message; with ``report``, tell the hub (a declined result).

        A replay is never reported: the run's own messages stand (a result on the run's subject
        would replace the one the stream keeps).
        """
        self.metrics.refused[reason] = self.metrics.refused.get(reason, 0) + 1
        log.warning(
            "psi message refused",
            extra={"node": self.node, "run": run_id, "role": role, "reason": reason,
                   "known_run": known},
        )  # fmt: skip
        if report and reason != "replayed":
            await self._publish(
                PsiResult(run_id=run_id, role=role, outcome="declined", reason=reason)
            )

    async def _decline(self, run_id: str, role: PsiRole, reason: DeclineReason) -> None:
        self.metrics.declined[reason] = self.metrics.declined.get(reason, 0) + 1
        log.info("psi run declined", extra={"run": run_id, "reason": reason})
        await self._publish(PsiResult(run_id=run_id, role=role, outcome="declined", reason=reason))

    async def _publish(self, event: Event) -> None:
        """Publish to the node's outbound stream and wait for the ack (same id on a retry)."""
        envelope = Envelope.wrap(event, node=self.node)
        js = self.nc.jetstream()
        for attempt in range(3):
            try:
                await js.publish(
                    envelope.subject, envelope.to_bytes(), timeout=self.ack_timeout,
                    headers={"Nats-Msg-Id": envelope.id}, msg_ttl=self.message_ttl,
                )  # fmt: skip
                self.metrics.published += 1
                return
            except (NatsTimeoutError, NoStreamResponseError) as exc:
                log.warning("psi publish not acked", extra={"try": attempt + 1, "error": repr(exc)})
                await asyncio.sleep(0.2 * (attempt + 1))
        log.error("psi message not published; the hub will time the run out",
                  extra={"subject": envelope.subject})  # fmt: skip

    def _expire(self) -> None:
        """Forget client runs whose answer never came (their key goes with them)."""
        moment = time.monotonic()
        for run_id in [r for r, pending in self._pending.items() if pending.deadline < moment]:
            del self._pending[run_id]

    def _ignore(self, why: str) -> None:
        self.metrics.ignored += 1
        log.info("psi message ignored", extra={"node": self.node, "why": why})
