"""Overlap detection end to end on a real nats-server: three ledgers, a small one, the hub.

Planted grantees (visibly synthetic ``XM-SYN-…`` identifiers): 0001 funded by a, b and c; 0002
by a and b; 0003 by b and c. Traps that must never match: a's restricted grant to 0004 (b funds
it openly), a's grant to 0005 for another purpose, a's grant to 0006 that ended in 2024.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any, NamedTuple

import orjson
import polling
import pytest
from nats.js.errors import NotFoundError
from overlap_support import PURPOSE, Coalition, Node, in_quarter, set_today, spying
from sqlalchemy import func, select

from concordia.events import (
    PSI_MESSAGE_TTL_SECONDS,
    Envelope,
    NatsServer,
    PsiInvitation,
    PsiResult,
    make_seal,
    payload_digest,
)
from concordia.hub.overlap import OverlapCoordinator
from concordia.identity import NodeIdentity
from concordia.ledger.models import OverlapMatch, OverlapRun

PERIOD = "2026-Q4"


def own(prefix: str) -> list[str]:
    """Four grantees only this node funds."""
    return [f"{prefix}-SYN-{n:04d}" for n in range(1, 5)]


def xm(n: int) -> str:
    return f"XM-SYN-{n:04d}"


class World(NamedTuple):
    """Nodes a, b, c with planted overlaps, and d with fewer grantees than the minimum."""

    a: Node
    b: Node
    c: Node
    d: Node


@pytest.fixture(scope="module")
async def world(
    database_factories: Callable[[str], Awaitable[str]],
    nats_server: NatsServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[World]:
    """The four nodes, started once for this module (each test uses its own period)."""
    coalition = Coalition(database_factories, nats_server.url, tmp_path_factory.mktemp("psi"))
    traps: list[tuple[str, dict[str, Any]]] = [
        (xm(4), {"visibility": "restricted"}),
        (xm(5), {"purpose": "human_rights"}),
        (xm(6), {"start_date": "2024-01-01", "end_date": "2024-12-31"}),
    ]
    try:
        yield World(
            await coalition.node([*own("SE"), xm(1), xm(2)], extra_grants=traps),
            await coalition.node([*own("PL"), *map(xm, range(1, 7))]),
            await coalition.node([*own("DE"), xm(1), xm(3)]),
            await coalition.node(own("LT")[:3]),
        )
    finally:
        await coalition.close()


async def coordinator_for(nodes: list[Node], **options: Any) -> OverlapCoordinator:
    """The hub's coordinator, one client per country (here all on one broker)."""
    hub = OverlapCoordinator({n.code: n.nc for n in nodes}, step_timeout=20, **options)
    await hub.start()
    return hub


async def found(node: Node, period: str) -> dict[str, set[str]]:
    """Per peer, which of its grantees ``node`` learnt are funded there too."""
    async with node.ledger.app.state.concordia.db.unit_of_work() as session:
        rows = await session.scalars(select(OverlapMatch).where(OverlapMatch.period == period))
        result: dict[str, set[str]] = {}
        for row in rows:
            result.setdefault(row.peer, set()).add(row.identifier)
        return result


async def test_planted_overlaps_are_found_exactly_and_the_hub_sees_only_counts(
    world: World, nats_server: NatsServer
) -> None:
    a, b, c, d = world
    set_today(list(world), in_quarter(PERIOD))
    hub = await coordinator_for([a, b, c, d])
    async with spying(nats_server.url) as spy:
        outcomes = await hub.run_round(period=PERIOD, purpose=PURPOSE)
    await hub.stop()

    counts = {(o.client, o.server): o.count for o in outcomes if o.status == "counted"}
    assert counts == {
        (a.code, b.code): 2, (b.code, a.code): 2, (a.code, c.code): 1,
        (c.code, a.code): 1, (b.code, c.code): 2, (c.code, b.code): 2,
    }  # fmt: skip
    declines = {(o.client, o.server): (o.declined_by, o.reason) for o in outcomes
                if o.status == "declined"}  # fmt: skip
    assert declines == {
        pair: (d.code, "set_too_small")
        for x in (a, b, c) for pair in ((d.code, x.code), (x.code, d.code))
    }  # fmt: skip

    # Each node learnt exactly its own grantees funded elsewhere, and nothing about d.
    assert await found(a, PERIOD) == {b.code: {xm(1), xm(2)}, c.code: {xm(1)}}
    assert await found(b, PERIOD) == {a.code: {xm(1), xm(2)}, c.code: {xm(1), xm(3)}}
    assert await found(c, PERIOD) == {a.code: {xm(1)}, b.code: {xm(1), xm(3)}}
    assert await found(d, PERIOD) == {}

    # What crossed the hub names no organisation, even decoded, and a decline gives no size.
    planted = [*own("SE"), *own("PL"), *own("DE"), *own("LT"), *map(xm, range(1, 7))]
    assert spy.messages
    for msg in spy.messages:
        data = orjson.loads(msg.data)["data"]
        blobs = [msg.data] + [
            base64.b64decode(v)
            for k, v in data.items()
            if k in ("request", "setup", "response") and v
        ]
        for blob in blobs:
            assert not any(i.encode() in blob.upper() for i in planted), msg.subject
        if data.get("outcome") == "declined":
            assert data["count"] is None
            assert set(data) == {"run_id", "role", "outcome", "count", "reason"}


async def test_donors_see_which_grantees_are_funded_elsewhere(world: World) -> None:
    a, b, c, _ = world
    period = "2026-Q1"
    set_today(list(world), in_quarter(period))
    hub = await coordinator_for([a, b, c])
    await hub.run_round(period=period, purpose=PURPOSE)
    await hub.stop()

    for headers in (a.ledger.feed, a.ledger.rw):
        response = await a.ledger.client.get(
            "/v1/overlaps", params={"period": period, "purpose": PURPOSE}, headers=headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert {i["identifier"]: i["funded_elsewhere_by"] for i in body["items"]} == {
            xm(1): sorted([b.code, c.code]), xm(2): [b.code],
        }  # fmt: skip
        assert {p["peer"]: p["count"] for p in body["peers"]} == {b.code: 2, c.code: 1}

    grant = await a.ledger.client.get(f"/v1/grants/{a.grants[xm(1)]}", headers=a.ledger.feed)
    assert grant.json()["funded_elsewhere"] == sorted([b.code, c.code])
    alone = await a.ledger.client.get(f"/v1/grants/{a.grants[own('SE')[0]]}", headers=a.ledger.feed)
    assert alone.json()["funded_elsewhere"] == []

    bad = await a.ledger.client.get(
        "/v1/overlaps", params={"period": "2026-13", "purpose": "x"}, headers=a.ledger.feed
    )
    assert bad.status_code == 422
    assert {tuple(e["loc"]) for e in bad.json()["errors"]} >= {("query", "period")}
    anonymous = await a.ledger.client.get(
        "/v1/overlaps", params={"period": period, "purpose": PURPOSE}
    )
    assert anonymous.status_code == 401


async def test_the_rate_limit_holds_per_peer_and_role_and_survives_a_restart(
    world: World,
) -> None:
    a, b, c, _ = world
    period = "2026-Q3"
    set_today(list(world), in_quarter(period))
    hub = await coordinator_for([a, b, c], runs_per_day=10)  # the nodes' own limit decides
    run = hub.run_pair
    assert (await run(a.code, b.code, period=period, purpose=PURPOSE)).count == 2
    assert (await run(a.code, b.code, period=period, purpose=PURPOSE)).count == 2
    third = await run(a.code, b.code, period=period, purpose=PURPOSE)
    assert (third.status, third.declined_by, third.reason) == ("declined", a.code, "rate_limited")

    # Another peer, or the other role with the same peer, has its own allowance.
    assert (await run(a.code, c.code, period=period, purpose=PURPOSE)).status == "counted"
    assert (await run(b.code, a.code, period=period, purpose=PURPOSE)).status == "counted"

    # The allowance lives in the database: a restarted engine still refuses.
    await a.restart_engine(a.engine.limits)
    again = await run(a.code, b.code, period=period, purpose=PURPOSE)
    assert (again.status, again.declined_by, again.reason) == ("declined", a.code, "rate_limited")

    # The server enforces its own allowance too.
    await c.restart_engine(type(c.engine.limits)(runs_per_day=5))
    for _ in range(2):
        assert (await run(c.code, a.code, period=period, purpose=PURPOSE)).status == "counted"
    served = await run(c.code, a.code, period=period, purpose=PURPOSE)
    assert (served.status, served.declined_by, served.reason) == (
        "declined",
        a.code,
        "rate_limited",
    )
    await hub.stop()


async def test_replayed_messages_count_nothing_twice(world: World, nats_server: NatsServer) -> None:
    a, b = world.a, world.b
    period = "2026-Q2"
    set_today(list(world), in_quarter(period))
    hub = await coordinator_for([a, b])
    async with spying(nats_server.url) as spy:
        outcome = await hub.run_pair(a.code, b.code, period=period, purpose=PURPOSE)
    assert outcome.count == 2
    run = outcome.run_id

    async def counted() -> tuple[int, int]:
        async with a.ledger.app.state.concordia.db.unit_of_work() as session:
            runs = await session.scalar(
                select(func.count()).select_from(OverlapRun).where(OverlapRun.period == period)
            )
            matches = await session.scalar(
                select(func.count()).select_from(OverlapMatch).where(OverlapMatch.period == period)
            )
            return runs or 0, matches or 0

    def replays_refused() -> int:
        return a.engine.metrics.refused.get("replayed", 0)

    before, refused_a, ignored_hub = await counted(), replays_refused(), hub.ignored
    async with spying(nats_server.url) as replay:
        for msg in spy.messages:  # every message of the run, sent again
            await a.nc.publish(msg.subject, msg.data)
        await a.nc.flush()
        await eventually(lambda: replays_refused() >= refused_a + 2)  # invite, answer
        await eventually(lambda: hub.ignored >= ignored_hub + 2)  # request, result
    assert await counted() == before == (1, 2)
    assert len(hub.outcomes) == 1
    assert not [m for m in replay.messages if m.subject.startswith(f"shared.{a.code}.")
                and m.data not in {s.data for s in spy.messages}]  # fmt: skip
    assert run in {m.subject.split(".")[3] for m in spy.on(f"hub.psi.{a.code}.")}
    await hub.stop()


def server_invitation(
    client: Node,
    server: Node,
    run_id: str,
    period: str,
    request: bytes,
    *,
    sealer: NodeIdentity | None = None,
    recipient: str | None = None,
    sealed_run: str | None = None,
    ttl: float = 900,
) -> PsiInvitation:
    """The hub's invitation of ``server`` with ``request`` sealed as ``client``'s would be
    (or by ``sealer``, for another recipient or run, or with another life)."""
    identity = sealer or client.engine.identity
    assert identity is not None
    seal = make_seal(
        identity, step="request", recipient=recipient or server.code,
        run_id=sealed_run or run_id, purpose=PURPOSE, period=period,
        digest=payload_digest(request), now=server.engine.clock(), ttl=ttl,
    )  # fmt: skip
    return PsiInvitation(
        node=server.code, run_id=run_id, period=period, purpose=PURPOSE, role="server",
        peer=client.code, request=request, request_seal=seal,
    )  # fmt: skip


async def eventually(check: Callable[[], bool], seconds: float = 10) -> None:
    """Wait until ``check()`` holds."""
    await polling.eventually(check, within=seconds)


async def test_other_declines_are_codes_and_a_garbled_request_is_refused(
    world: World, nats_server: NatsServer
) -> None:
    a, b, _, _ = world
    period = "2027-Q1"
    set_today(list(world), in_quarter(period))
    hub = await coordinator_for([a, b])
    unknown = await hub.run_pair(a.code, b.code, period=period, purpose="no_such_purpose")
    assert (unknown.status, unknown.declined_by, unknown.reason) == (
        "declined", a.code, "unknown_purpose",
    )  # fmt: skip

    limits = b.engine.limits
    await b.restart_engine(type(limits)(max_set_size=8))  # b funds ten organisations
    large = await hub.run_pair(a.code, b.code, period=period, purpose=PURPOSE)
    assert (large.status, large.declined_by, large.reason) == ("declined", b.code, "set_too_large")
    await b.restart_engine(limits)
    await hub.stop()

    # A server handed a request that is no PSI message (sealed by its client) declines it, and
    # says only that.
    invitation = server_invitation(a, b, "garbled-run", period, b"this is not a PSI request")
    envelope = Envelope.wrap(invitation, node="hub")
    async with spying(nats_server.url) as spy:
        await a.nc.publish(envelope.subject, envelope.to_bytes())
        await eventually(lambda: bool(spy.on(f"shared.{b.code}.ledger.psi.garbled-run.")))
    (reply,) = spy.on(f"shared.{b.code}.ledger.psi.garbled-run.")
    result = Envelope.from_bytes(reply.data).data
    assert isinstance(result, PsiResult)
    assert (result.role, result.outcome, result.reason) == ("server", "declined", "bad_message")


async def test_a_node_takes_part_only_for_the_current_and_the_previous_quarter(
    world: World, nats_server: NatsServer
) -> None:
    a, b, _, _ = world
    set_today(list(world), in_quarter("2028-Q2"))
    hub = await coordinator_for([a, b])
    for period in ("2028-Q2", "2028-Q1"):
        assert (await hub.run_pair(a.code, b.code, period=period, purpose=PURPOSE)).count == 2
    for period in ("2028-Q3", "2027-Q4", "1999-Q1"):  # the client declines before it asks
        out = await hub.run_pair(a.code, b.code, period=period, purpose=PURPOSE)
        assert (out.status, out.declined_by, out.reason) == (
            "declined", a.code, "period_out_of_range",
        )  # fmt: skip
    await hub.stop()

    # A server invited straight away with its client's sealed request declines too, unanswered.
    invitation = server_invitation(a, b, "old-period-run", "2027-Q4", b"never read")
    envelope = Envelope.wrap(invitation, node="hub")
    async with spying(nats_server.url) as spy:
        await a.nc.publish(envelope.subject, envelope.to_bytes())
        await eventually(lambda: bool(spy.on(f"shared.{b.code}.ledger.psi.old-period-run.")))
    (reply,) = spy.on(f"shared.{b.code}.ledger.psi.old-period-run.")
    result = Envelope.from_bytes(reply.data).data
    assert isinstance(result, PsiResult)
    assert (result.role, result.reason) == ("server", "period_out_of_range")


async def test_a_node_takes_part_in_a_bounded_number_of_runs_a_day_in_either_role(
    world: World,
) -> None:
    a, b, c, _ = world
    set_today(list(world), in_quarter("2028-Q3"))
    limits = b.engine.limits
    capped = type(limits)(runs_per_day=5, answers_per_day=2)
    await b.restart_engine(capped)
    hub = await coordinator_for([a, b, c], runs_per_day=10)
    run = hub.run_pair
    assert (await run(a.code, b.code, period="2028-Q3", purpose=PURPOSE)).status == "counted"
    assert (await run(c.code, b.code, period="2028-Q2", purpose=PURPOSE)).status == "counted"
    # Each peer is well within its own allowance, but b has answered its two for today.
    for client, period in ((a.code, "2028-Q3"), (c.code, "2028-Q3"), (a.code, "2028-Q2")):
        out = await run(client, b.code, period=period, purpose=PURPOSE)
        assert (out.status, out.declined_by, out.reason) == ("declined", b.code, "rate_limited")
    # The count lives in the database, and it binds b as a client too.
    await b.restart_engine(capped)
    out = await run(c.code, b.code, period="2028-Q2", purpose=PURPOSE)
    assert (out.declined_by, out.reason) == (b.code, "rate_limited")
    asked = await run(b.code, a.code, period="2028-Q3", purpose=PURPOSE)
    assert (asked.status, asked.declined_by, asked.reason) == ("declined", b.code, "rate_limited")
    # A new day brings a new allowance, which client runs use up as well.
    set_today(list(world), in_quarter("2028-Q3") + timedelta(days=1))
    assert (await run(b.code, a.code, period="2028-Q3", purpose=PURPOSE)).count == 2
    assert (await run(b.code, c.code, period="2028-Q3", purpose=PURPOSE)).status == "counted"
    out = await run(a.code, b.code, period="2028-Q3", purpose=PURPOSE)
    assert (out.status, out.declined_by, out.reason) == ("declined", b.code, "rate_limited")
    await hub.stop()
    await b.restart_engine(limits)


async def test_psi_messages_carry_a_ttl_and_age_out_of_the_outbound_stream(
    world: World, nats_server: NatsServer
) -> None:
    a, b = world.a, world.b
    set_today(list(world), in_quarter("2028-Q4"))
    assert a.engine.message_ttl == PSI_MESSAGE_TTL_SECONDS  # the default: one hour
    a.engine.message_ttl = b.engine.message_ttl = 1  # seconds, to watch them go
    hub = await coordinator_for([a, b])
    async with spying(nats_server.url) as spy:
        outcome = await hub.run_pair(a.code, b.code, period="2028-Q4", purpose=PURPOSE)
    await hub.stop()
    a.engine.message_ttl = b.engine.message_ttl = PSI_MESSAGE_TTL_SECONDS
    assert outcome.count == 2
    sent = [m for m in spy.messages if m.subject.startswith("shared.")]
    assert len(sent) == 3  # a's request, b's response, a's count
    assert {(m.headers or {}).get("Nats-TTL") for m in sent} == {"1"}
    js = a.nc.jetstream(timeout=5)

    async def stored() -> int:
        kept = 0
        for msg in sent:
            stream = f"SHARED_{msg.subject.split('.')[1].upper()}"
            with contextlib.suppress(NotFoundError):
                await js.get_last_msg(stream, msg.subject)
                kept += 1
        return kept

    async with asyncio.timeout(10):
        while await stored():  # noqa: ASYNC110 - the server expires them on its own clock
            await asyncio.sleep(0.2)
