"""PSI signed end to end, on a real nats-server: what a hub cannot make a ledger do.

Every request and response is sealed by its ledger's node key for one recipient, run, purpose,
period and time; the receiving ledger checks the seal against its pinned directory before it
reads its grantees or counts. Here the test plays a dishonest hub: it forges requests and
answers, replays and redirects real ones. Each is refused, and reported: a declined result to
the hub (its reason code, never a number), a declined run in the node's record, a log line and
``concordia_ledger_psi_refused_total``. Honest runs still count.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import NamedTuple

import polling
import pytest
from nats.aio.msg import Msg
from overlap_support import PURPOSE, Coalition, Node, in_quarter, set_today, spying
from sqlalchemy import func, select

from concordia.events import (
    Envelope,
    Event,
    NatsServer,
    PsiAnswer,
    PsiInvitation,
    PsiRequest,
    PsiResponse,
    PsiResult,
    PsiSeal,
    event_signature_problem,
    make_seal,
    payload_digest,
    response_digest,
)
from concordia.hub.overlap import OverlapCoordinator
from concordia.identity import NodeIdentity, NodeKey
from concordia.ledger.models import OverlapMatch, OverlapRun
from concordia.ledger.overlap import psi
from concordia.ledger.overlap.service import RunLimits

PERIOD = "2026-Q4"
SHARED = [f"XM-SYN-{n:04d}" for n in range(1, 4)]


def own(prefix: str) -> list[str]:
    """Four grantees only this node funds."""
    return [f"{prefix}-SYN-{n:04d}" for n in range(1, 5)]


class World(NamedTuple):
    """Three ledgers funding the three shared organisations, and the coalition's keys."""

    a: Node
    b: Node
    c: Node
    coalition: Coalition


@pytest.fixture(scope="module")
async def world(
    database_factories: Callable[[str], Awaitable[str]],
    nats_server: NatsServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[World]:
    """Nodes a, b, c (one directory of all three pinned by all), started once."""
    coalition = Coalition(database_factories, nats_server.url, tmp_path_factory.mktemp("sig"))
    try:
        limits = RunLimits(runs_per_day=50, answers_per_day=100)  # the tests run many
        a = await coalition.node([*own("SE"), *SHARED], limits=limits)
        b = await coalition.node([*own("PL"), *SHARED], limits=limits)
        c = await coalition.node([*own("DE"), *SHARED], limits=limits)
        set_today([a, b, c], in_quarter(PERIOD))
        yield World(a, b, c, coalition)
    finally:
        await coalition.close()


async def send(node: Node, message: Event) -> None:
    """Publish a hub → node message as the hub would (core NATS on ``hub.psi.…``)."""
    envelope = Envelope.wrap(message, node="hub")
    await node.nc.publish(envelope.subject, envelope.to_bytes())
    await node.nc.flush()


async def replies(spy_messages: Callable[[], list[Msg]], seconds: float = 10) -> list[Event]:
    """Wait for the node's replies on the spied subjects and read them."""
    found = await polling.eventually(spy_messages, within=seconds)
    return [Envelope.from_bytes(m.data).data for m in found]


def refused(node: Node, reason: str) -> int:
    """How often ``node`` refused a message for ``reason``."""
    return node.engine.metrics.refused.get(reason, 0)


async def run_record(node: Node, run_id: str) -> tuple[str, str | None] | None:
    """The node's record of a run: (status, reason)."""
    async with node.ledger.app.state.concordia.db.unit_of_work(write=False) as session:
        run = await session.get(OverlapRun, run_id)
        return None if run is None else (run.status, run.reason)


def invitation(
    client: Node,
    server: Node,
    request: bytes,
    *,
    sealer: NodeIdentity | None,
    run_id: str | None = None,
    recipient: str | None = None,
    sealed_run: str | None = None,
    sealed_request: bytes | None = None,
    peer: str | None = None,
) -> PsiInvitation:
    """The server invitation a (dishonest) hub sends, with ``request`` sealed by ``sealer``."""
    run_id = run_id or f"forged-{uuid.uuid4().hex[:12]}"
    seal = None
    if sealer is not None:
        seal = make_seal(
            sealer, step="request", recipient=recipient or server.code,
            run_id=sealed_run or run_id, purpose=PURPOSE, period=PERIOD,
            digest=payload_digest(sealed_request or request), now=server.engine.clock(), ttl=900,
        )  # fmt: skip
    return PsiInvitation(
        node=server.code, run_id=run_id, period=PERIOD, purpose=PURPOSE, role="server",
        peer=peer or client.code, request=request, request_seal=seal,
    )  # fmt: skip


async def test_an_honest_round_counts_with_every_message_sealed(
    world: World, nats_server: NatsServer
) -> None:
    a, b, c, _ = world
    hub = OverlapCoordinator({n.code: n.nc for n in (a, b, c)}, step_timeout=20)
    await hub.start()
    async with spying(nats_server.url) as spy:
        outcomes = await hub.run_round(period=PERIOD, purpose=PURPOSE)
    await hub.stop()
    assert {o.status for o in outcomes} == {"counted"}
    assert {o.count for o in outcomes} == {len(SHARED)}

    requests = [Envelope.from_bytes(m.data).data for m in spy.on(".request")]
    responses = [Envelope.from_bytes(m.data).data for m in spy.on(".response")]
    assert len(requests) == len(responses) == 6
    for message in requests + responses:
        assert isinstance(message, PsiRequest | PsiResponse)
        seal = message.seal
        assert isinstance(seal, PsiSeal)
        assert seal.run_id == message.run_id
        assert (seal.purpose, seal.period) == (PURPOSE, PERIOD)
        assert seal.signature.signer == seal.sender != seal.recipient
    # The hub relays each seal unchanged to the one node it names.
    for msg in spy.on(".invite"):
        sent = Envelope.from_bytes(msg.data).data
        assert isinstance(sent, PsiInvitation)
        if sent.role == "server":
            assert sent.request_seal is not None
            assert sent.request_seal.recipient == sent.node
            assert sent.request_seal.sender == sent.peer


@pytest.mark.parametrize(
    "forgery",
    ["unsigned", "own_key", "other_request", "stranger"],
)
async def test_a_request_the_hub_forged_gets_nothing(
    world: World, nats_server: NatsServer, forgery: str
) -> None:
    a, b, _, coalition = world
    guesses = [*SHARED, "XM-SYN-9999"]  # identifiers the hub wants to test against b
    _, request = psi.client_request(guesses)
    hub_key = NodeIdentity(a.code, NodeKey.generate(), None)  # the hub posing as a
    _, genuine_other = psi.client_request(own("SE"))
    message = {
        "unsigned": invitation(a, b, request, sealer=None),
        # Signed, but with a key a's pinned directory does not list.
        "own_key": invitation(a, b, request, sealer=hub_key),
        # a's real seal, but of another request: the hub swapped in its own.
        "other_request": invitation(
            a, b, request, sealer=coalition.identity(a.code), sealed_request=genuine_other
        ),
        # A peer not in b's directory at all.
        "stranger": invitation(a, b, request, sealer=hub_key, peer="zz"),
    }[forgery]
    reason = {"unsigned": "unsigned", "own_key": "bad_signature", "other_request": "mismatch",
              "stranger": "unknown_peer"}[forgery]  # fmt: skip
    before = refused(b, reason)
    subject = f"shared.{b.code}.ledger.psi.{message.run_id}."
    async with spying(nats_server.url) as spy:
        await send(b, message)
        (reply,) = await replies(lambda: spy.on(subject))
    # b answered nothing: one declined result with the reason code, no response, no number.
    assert isinstance(reply, PsiResult)
    assert (reply.role, reply.outcome, reply.reason, reply.count) == (
        "server", "declined", reason, None,
    )  # fmt: skip
    assert not spy.on(".response")
    assert refused(b, reason) == before + 1
    assert await run_record(b, message.run_id) == ("declined", reason)

    # The refusal is exported for the node's operator.
    ops = {"Authorization": f"Bearer {b.ledger.tokens['ops']}"}
    metrics = await b.ledger.client.get("/metrics", headers=ops)
    assert metrics.status_code == 200, metrics.text
    assert f'concordia_ledger_psi_refused_total{{reason="{reason}"}}' in metrics.text


async def test_a_replayed_or_expired_request_is_refused(
    world: World, nats_server: NatsServer
) -> None:
    a, b, _, coalition = world
    hub = OverlapCoordinator({n.code: n.nc for n in (a, b)}, step_timeout=20)
    await hub.start()
    async with spying(nats_server.url) as spy:
        outcome = await hub.run_pair(a.code, b.code, period=PERIOD, purpose=PURPOSE)
    await hub.stop()
    assert outcome.count == len(SHARED)
    (served,) = list(spy.on(f"hub.psi.{b.code}.{outcome.run_id}.invite"))

    # The same server invitation again (a's genuine seal, the same run id): refused, unanswered.
    before = refused(b, "replayed")
    async with spying(nats_server.url) as replay:
        await a.nc.publish(served.subject, served.data)
        await a.nc.flush()
        await polling.eventually(lambda: refused(b, "replayed") == before + 1, within=10)
    assert not replay.on(f"shared.{b.code}.")  # nothing new leaves b, not even a decline

    # The genuine request under a new run id: its seal names the old run.
    genuine = Envelope.from_bytes(served.data).data
    assert isinstance(genuine, PsiInvitation)
    assert genuine.request_seal is not None
    moved = genuine.model_copy(update={"run_id": f"moved-{uuid.uuid4().hex[:8]}"})
    subject = f"shared.{b.code}.ledger.psi.{moved.run_id}."
    async with spying(nats_server.url) as spy:
        await send(b, moved)
        (reply,) = await replies(lambda: spy.on(subject))
    assert isinstance(reply, PsiResult)
    assert reply.reason == "mismatch"

    # A seal past its expiry: a fresh run, properly sealed by a, that arrives too late.
    _, request = psi.client_request(own("SE"))
    late = invitation(a, b, request, sealer=coalition.identity(a.code))
    clock = b.engine.clock
    b.engine.clock = lambda: clock() + timedelta(hours=1)
    try:
        subject = f"shared.{b.code}.ledger.psi.{late.run_id}."
        async with spying(nats_server.url) as spy:
            await send(b, late)
            (reply,) = await replies(lambda: spy.on(subject))
    finally:
        b.engine.clock = clock
    assert isinstance(reply, PsiResult)
    assert reply.reason == "expired"
    assert await run_record(b, late.run_id) == ("declined", "expired")


async def test_a_request_redirected_to_another_node_is_refused(
    world: World, nats_server: NatsServer
) -> None:
    a, b, c, _ = world
    # a's client request of a run with b: the hub captures it before b sees it.
    run_id = f"redirect-{uuid.uuid4().hex[:8]}"
    subject = f"shared.{a.code}.ledger.psi.{run_id}."
    async with spying(nats_server.url) as spy:
        await send(a, PsiInvitation(node=a.code, run_id=run_id, period=PERIOD, purpose=PURPOSE,
                                    role="client", peer=b.code))  # fmt: skip
        (request,) = await replies(lambda: spy.on(subject))
    assert isinstance(request, PsiRequest)
    assert request.seal is not None
    assert request.seal.recipient == b.code

    # ...and hands it to c instead, as a's request to c.
    before = refused(c, "wrong_recipient")
    redirected = PsiInvitation(
        node=c.code, run_id=run_id, period=PERIOD, purpose=PURPOSE, role="server", peer=a.code,
        request=request.request, request_seal=request.seal,
    )  # fmt: skip
    subject = f"shared.{c.code}.ledger.psi.{run_id}."
    async with spying(nats_server.url) as spy:
        await send(c, redirected)
        (reply,) = await replies(lambda: spy.on(subject))
    assert isinstance(reply, PsiResult)
    assert (reply.role, reply.reason) == ("server", "wrong_recipient")
    assert not spy.on(".response")
    assert refused(c, "wrong_recipient") == before + 1
    assert await run_record(c, run_id) == ("declined", "wrong_recipient")


@pytest.mark.parametrize("forgery", ["unsigned", "own_key", "another_run"])
async def test_an_answer_the_hub_forged_counts_nothing(
    world: World, nats_server: NatsServer, forgery: str
) -> None:
    """The hub plays the server with guessed identifiers: the client's count would tell it how
    many of them the client funds. The client refuses the unsealed or wrongly sealed answer."""
    a, b, _, coalition = world
    run_id = f"answer-{uuid.uuid4().hex[:8]}"
    subject = f"shared.{a.code}.ledger.psi.{run_id}."
    async with spying(nats_server.url) as spy:
        await send(a, PsiInvitation(node=a.code, run_id=run_id, period=PERIOD, purpose=PURPOSE,
                                    role="client", peer=b.code))  # fmt: skip
        (request,) = await replies(lambda: spy.on(subject + "request"))
    assert isinstance(request, PsiRequest)
    setup, response = psi.server_answer([*SHARED, "XM-SYN-9999"], request.request)
    digest = response_digest(request.request, setup, response)
    sealer = {
        "unsigned": None,
        "own_key": NodeIdentity(b.code, NodeKey.generate(), None),
        "another_run": coalition.identity(b.code),  # b's key, but sealed for another run
    }[forgery]
    seal = None
    if sealer is not None:
        seal = make_seal(
            sealer, step="response", recipient=a.code,
            run_id=run_id if forgery != "another_run" else "some-other-run",
            purpose=PURPOSE, period=PERIOD, digest=digest, now=a.engine.clock(), ttl=900,
        )  # fmt: skip
    reason = {"unsigned": "unsigned", "own_key": "bad_signature", "another_run": "mismatch"}[
        forgery
    ]
    async with spying(nats_server.url) as spy:
        await send(a, PsiAnswer(node=a.code, run_id=run_id, setup=setup, response=response,
                                seal=seal))  # fmt: skip
        (result,) = await replies(lambda: spy.on(subject + "result"))
    assert isinstance(result, PsiResult)
    assert (result.role, result.outcome, result.reason, result.count) == (
        "client", "declined", reason, None,
    )  # fmt: skip
    assert await run_record(a, run_id) == ("declined", reason)
    async with a.ledger.app.state.concordia.db.unit_of_work(write=False) as session:
        kept = await session.scalar(
            select(func.count()).select_from(OverlapMatch).where(OverlapMatch.run_id == run_id)
        )
    assert kept == 0


async def test_a_client_asks_only_peers_of_its_directory_and_only_with_a_key(
    world: World, nats_server: NatsServer
) -> None:
    a, _, _, _ = world
    # A peer the hub made up: a sends no request (nothing of its set is blinded for it).
    run_id = f"stranger-{uuid.uuid4().hex[:8]}"
    subject = f"shared.{a.code}.ledger.psi.{run_id}."
    async with spying(nats_server.url) as spy:
        await send(a, PsiInvitation(node=a.code, run_id=run_id, period=PERIOD, purpose=PURPOSE,
                                    role="client", peer="zz"))  # fmt: skip
        (reply,) = await replies(lambda: spy.on(subject))
    assert isinstance(reply, PsiResult)
    assert (reply.role, reply.reason) == ("client", "unknown_peer")
    assert await run_record(a, run_id) == ("declined", "unknown_peer")

    # Without a node key the ledger takes part in no run, either role.
    identity, a.engine.identity = a.engine.identity, None
    try:
        run_id = f"keyless-{uuid.uuid4().hex[:8]}"
        subject = f"shared.{a.code}.ledger.psi.{run_id}."
        async with spying(nats_server.url) as spy:
            invite = PsiInvitation(node=a.code, run_id=run_id, period=PERIOD, purpose=PURPOSE,
                                   role="client", peer=world.b.code)  # fmt: skip
            await send(a, invite)
            (reply,) = await replies(lambda: spy.on(subject))
    finally:
        a.engine.identity = identity
    assert isinstance(reply, PsiResult)
    assert reply.reason == "unsigned"


async def test_the_ledger_signs_its_status_reports(world: World) -> None:
    """What the hub checks (tests/hub/test_hub_signatures.py) is made here: each status report
    carries the node's signature under its pinned directory's key (snapshots likewise, checked
    through the hub in tests/federation/test_charter_wiring.py)."""
    rt = world.a.ledger.app.state.concordia
    keys = {code: key.public for code, key in world.coalition.keys.items()}
    report = rt.follower.status(0)
    assert report.signature is not None
    assert event_signature_problem(report, keys) is None
    assert event_signature_problem(report, {world.b.code: keys[world.b.code]}) == "unknown_signer"
