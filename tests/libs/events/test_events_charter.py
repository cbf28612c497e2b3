"""A service follows the hub's charter: it keeps newer ones, ignores older ones and garbage,
falls back to the built-in defaults, and reports what it runs."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal

import nats
import polling
import pytest
from nats.aio.client import Client

from concordia.core.db import Database, new_metadata
from concordia.events import (
    DEFAULT_CHARTER,
    CharterFollower,
    CharterPublished,
    CharterStore,
    DisclosureRules,
    Envelope,
    MemberSignature,
    NatsServer,
    Outbox,
    PsiResult,
    ServiceStatusReported,
    Target,
)
from concordia.events.registry import PersonErased
from concordia.identity import Directory, Member, NodeKey, SignedDocument

METADATA = new_metadata()
OUTBOX = Outbox(METADATA)
STORE = CharterStore(METADATA)
#: The coalition: two members' node keys and the directory a node pinned.
KEYS = {code: NodeKey.generate() for code in ("se", "pl")}
DIRECTORY = Directory(
    serial=1,
    members=tuple(
        Member(code=code, name=code.upper(), public_key=key.public.text)
        for code, key in KEYS.items()
    ),
)


def signed(charter: CharterPublished) -> CharterPublished:
    """``charter`` signed by every member."""
    kind, body = charter.document()
    document = SignedDocument(kind=kind, body=body)
    for code, key in KEYS.items():
        document = document.signed(code, key)
    return charter.model_copy(
        update={"signatures": tuple(MemberSignature.of(s) for s in document.signatures)}
    )


def charter(revision: int, k: int = 15) -> CharterPublished:
    """A synthetic charter, signed by both members."""
    return signed(_charter(revision, k))


def _charter(revision: int, k: int) -> CharterPublished:
    return CharterPublished(
        version=f"test.{revision}",
        revision=revision,
        effective=date(2026, 1, 1),
        disclosure=DisclosureRules(
            k=k, dominance_n=2, dominance_k=Decimal(80), p_percent=Decimal(15), rounding_base=10
        ),
        targets=(
            Target(
                indicator="women_share",
                dimension="gender",
                levels=("female",),
                min_share=Decimal("0.45"),
            ),
        ),
    )


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """The service's database with its outbox and charter tables."""
    database = Database(database_url)
    async with database.engine.begin() as conn:
        await conn.run_sync(METADATA.create_all)
    yield database
    await database.dispose()


@pytest.fixture
async def nc(nats_server: NatsServer) -> AsyncIterator[Client]:
    """The hub's side of the broker (publishes charters, reads reports)."""
    client = await nats.connect(nats_server.url)
    yield client
    await client.close()


async def _follower(
    db: Database, nats_server: NatsServer, node: str
) -> tuple[Client, CharterFollower]:
    client = await nats.connect(nats_server.url)
    follower = CharterFollower(
        db, STORE, node=node, service="registry", outbox=OUTBOX, interval=0.3,
        directory=lambda: DIRECTORY,
    )  # fmt: skip
    await follower.start(client)
    return client, follower


async def _next_report(sub: nats.aio.subscription.Subscription) -> ServiceStatusReported:
    msg = await sub.next_msg(timeout=5)
    report = Envelope.from_bytes(msg.data).data
    assert isinstance(report, ServiceStatusReported)
    return report


async def test_defaults_then_a_new_charter_is_kept_applied_and_reported(
    db: Database, nats_server: NatsServer, nc: Client, node_code: str
) -> None:
    reports = await nc.subscribe(f"shared.{node_code}.registry.status")
    async with db.unit_of_work() as session:  # one shared and two local events waiting
        for _ in range(2):  # local rows never leave the node: the hub must not learn of them
            erased = PersonErased(person_id=uuid.uuid4(), erased_at=datetime.now(UTC))
            await OUTBOX.add(session, erased, node=node_code)
        declined = PsiResult(run_id="r1", role="server", outcome="declined", reason="set_too_small")
        await OUTBOX.add(session, declined, node=node_code)
    client, follower = await _follower(db, nats_server, node_code)
    try:
        assert follower.current == DEFAULT_CHARTER
        assert follower.current.disclosure.k == 10
        first = await _next_report(reports)
        assert (first.node, first.charter_version) == (node_code, "default")
        assert first.charter_revision == 0
        assert first.outbox_pending == 1

        await nc.publish("hub.charter", Envelope.wrap(charter(2), node="hub").to_bytes())
        report = await _next_report(reports)
        while report.charter_revision != 2:
            report = await _next_report(reports)
        assert report.charter_version == "test.2"
        assert follower.current.disclosure.k == 15

        # An older revision (a late re-send) and garbage change nothing.
        await nc.publish("hub.charter", Envelope.wrap(charter(1, k=99), node="hub").to_bytes())
        await nc.publish("hub.charter", b'{"not": "an envelope"}')
        await nc.flush()
        # The garbage is refused after the older revision was handled (one subscription, in
        # order): once it is counted, both have been seen.
        await polling.eventually(lambda: follower.refused_total == 1, what="the refusal")
        assert follower.current.revision == 2
    finally:
        await follower.stop()
        await client.close()

    # A restart keeps the applied charter instead of falling back to the defaults.
    client, again = await _follower(db, nats_server, node_code)
    try:
        assert again.current == charter(2)
    finally:
        await again.stop()
        await client.close()


async def test_reports_repeat_every_interval(
    db: Database, nats_server: NatsServer, nc: Client, node_code: str
) -> None:
    reports = await nc.subscribe(f"shared.{node_code}.registry.status")
    client, follower = await _follower(db, nats_server, node_code)
    try:
        sent = [await _next_report(reports) for _ in range(3)]
        assert sent[0].sent_at < sent[1].sent_at < sent[2].sent_at
        assert follower.reports_total >= 3
    finally:
        await follower.stop()
        await client.close()


async def test_stop_is_not_lost_when_a_wake_up_arrives_with_it(
    db: Database, nats_server: NatsServer, nc: Client, node_code: str
) -> None:
    """A report wake-up set in the same tick as stop() must not swallow the cancellation.

    With ``asyncio.wait_for`` (Python 3.11) the follower's loop took the wake-up as its result,
    went round again and never ended, so an app's shutdown hung.
    """
    reports = await nc.subscribe(f"shared.{node_code}.registry.status")
    client, follower = await _follower(db, nats_server, node_code)
    try:
        await _next_report(reports)  # the loop now waits for its next wake-up
        follower.held_decisions(1)  # wakes the loop ...
        async with asyncio.timeout(5):  # ... as it is cancelled, in the same tick
            await follower.stop()
    finally:
        await client.close()


async def test_two_workers_keep_one_copy(db: Database, node_code: str) -> None:
    followers = [
        CharterFollower(db, STORE, node=node_code, service="registry", directory=lambda: DIRECTORY)
        for _ in range(2)
    ]
    results = await asyncio.gather(*(f.apply(charter(3)) for f in followers))
    assert results == [True, True]
    assert await STORE.current(db) == charter(3)


def test_a_charter_tightens_a_nodes_floor_but_never_loosens_it() -> None:
    from concordia.events import disclosure_rules

    # Before any charter: the service's own settings.
    assert disclosure_rules(DEFAULT_CHARTER, k=12, rounding_base=None, k_min=5).k == 12
    # A charter above the node's floor applies as sent; one below it is held to the floor.
    assert disclosure_rules(charter(2, k=15), k=12, rounding_base=None, k_min=5).k == 15
    lowered = disclosure_rules(charter(3, k=3), k=12, rounding_base=None, k_min=5)
    assert (lowered.k, lowered.dominance_k) == (5, Decimal(80))  # the rest of the charter holds
