"""The hub keeps every snapshot version once, whatever the broker redelivers, and refuses a
country that speaks for another."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hub_support import Hub, node_client, publish, snapshot, status, wait_for
from sqlalchemy import func, select

from concordia.events import Envelope, NatsServer
from concordia.events.registry import PersonErased
from concordia.hub.models import Refusal, Snapshot


async def _count(hub: Hub, model: type) -> int:
    async with hub.app.state.concordia.db.unit_of_work(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _consumed(hub: Hub, code: str, n: int) -> None:
    """Wait until the country's consumer has handled ``n`` messages (applied or duplicate)."""
    metrics = hub.app.state.concordia.extra.federation.links[code].consumer.metrics

    async def done() -> bool:
        return metrics.applied_total + metrics.duplicates_total >= n

    await wait_for(done)


async def test_every_version_is_kept_and_redelivery_counts_once(
    hub: Hub, country_nats: NatsServer
) -> None:
    nc = await node_client(country_nats, "se")
    try:
        first = Envelope.wrap(snapshot(version=1), node="se")
        await publish(nc, first)
        await _consumed(hub, "se", 1)
        # The same event again (the broker's dedupe window long past): applied once.
        await publish(nc, first, msg_id="another-broker-id")
        await _consumed(hub, "se", 2)
        # The same release re-sent as a new event (a node restored from backup): counted once.
        await publish(nc, Envelope.wrap(snapshot(version=1), node="se"))
        await _consumed(hub, "se", 3)
        await publish(nc, Envelope.wrap(snapshot(version=2, female=45, male=35), node="se"))
        await _consumed(hub, "se", 4)
    finally:
        await nc.close()

    assert await _count(hub, Snapshot) == 2
    latest = await hub.get("/v1/aggregates", node="se")
    assert [(s["aggregate"], s["version"]) for s in latest] == [("persons_by_gender", 2)]
    assert latest[0]["cells"][0] == {
        "key": ["female"], "value": 45, "amount": None, "suppressed": False, "reason": None,
    }  # fmt: skip
    history = await hub.get("/v1/aggregates", node="se", history="true")
    assert [s["version"] for s in history] == [1, 2]
    assert await hub.get("/v1/aggregates", node="pl") == []
    metrics = hub.app.state.concordia.extra.federation.links["se"].consumer.metrics
    assert metrics.duplicates_total == 1  # the redelivered event id
    assert await _count(hub, Refusal) == 0


async def test_a_country_cannot_speak_for_another(hub: Hub, country_nats: NatsServer) -> None:
    forged = Envelope.wrap(snapshot(node="pl"), node="pl").to_dict()
    # Sent in SE's account on an SE subject (all SE's leaf may publish), naming PL inside.
    forged["subject"] = snapshot(node="se").subject("se")
    nc = await node_client(country_nats, "se")
    try:
        ack = await nc.jetstream().publish(forged["subject"], json.dumps(forged).encode())
        assert ack.stream == "NODE_SE"
        await _consumed(hub, "se", 1)
    finally:
        await nc.close()

    assert await _count(hub, Snapshot) == 0
    assert await hub.get("/v1/aggregates", node="pl") == []
    nodes = {n["code"]: n for n in await hub.get("/v1/nodes")}
    assert nodes["se"]["refused"] == 1
    assert nodes["pl"]["refused"] == 0
    async with hub.app.state.concordia.db.unit_of_work(write=False) as session:
        refusal = (await session.scalars(select(Refusal))).one()
    assert (refusal.account, refusal.reason, refusal.event_id) == (
        "se",
        "foreign_node",
        forged["id"],
    )


async def test_a_changed_release_under_a_taken_version_is_refused(
    hub: Hub, country_nats: NatsServer
) -> None:
    nc = await node_client(country_nats, "se")
    try:
        await publish(nc, Envelope.wrap(snapshot(version=1), node="se"))
        await _consumed(hub, "se", 1)
        await publish(nc, Envelope.wrap(snapshot(version=1, female=99, male=35), node="se"))
        await _consumed(hub, "se", 2)
    finally:
        await nc.close()
    (kept,) = await hub.get("/v1/aggregates", node="se", history="true")
    assert kept["cells"][0]["value"] == 40  # the first stays
    nodes = {n["code"]: n for n in await hub.get("/v1/nodes")}
    assert nodes["se"]["refused"] == 1


async def test_status_reports_show_per_service(hub: Hub, country_nats: NatsServer) -> None:
    nc = await node_client(country_nats, "pl")
    try:
        await publish(nc, Envelope.wrap(status(node="pl", service="registry"), node="pl"))
        await publish(nc, Envelope.wrap(status(node="pl", service="ledger"), node="pl"))
        await _consumed(hub, "pl", 2)
        # An older report delivered late changes nothing.
        old = status(node="pl", service="ledger", at=datetime.now(UTC) - timedelta(hours=1))
        await publish(nc, Envelope.wrap(old, node="pl"))
        await _consumed(hub, "pl", 3)
    finally:
        await nc.close()
    nodes = {n["code"]: n for n in await hub.get("/v1/nodes")}
    pl = nodes["pl"]
    assert [s["service"] for s in pl["services"]] == ["ledger", "registry"]
    assert all(s["charter_version"] == "default" and s["charter_current"] for s in pl["services"])
    assert pl["stale"] is False
    assert pl["lag_seconds"] < 10
    assert pl["connected"] is True
    assert nodes["se"]["last_report_at"] is None
    assert nodes["se"]["stale"] is True


async def test_a_node_clock_ahead_does_not_freeze_its_status(
    hub: Hub, country_nats: NatsServer
) -> None:
    nc = await node_client(country_nats, "pl")
    try:
        ahead = status(
            node="pl", service="ledger", revision=0, at=datetime.now(UTC) + timedelta(days=1)
        )
        await publish(nc, Envelope.wrap(ahead, node="pl"))
        await _consumed(hub, "pl", 1)
        await asyncio.sleep(0.01)
        later = status(node="pl", service="ledger", revision=2)  # sent now, by a fixed clock
        await publish(nc, Envelope.wrap(later, node="pl"))
        await _consumed(hub, "pl", 2)
    finally:
        await nc.close()
    nodes = {n["code"]: n for n in await hub.get("/v1/nodes")}
    (ledger,) = nodes["pl"]["services"]
    assert ledger["charter_revision"] == 2  # the report from "tomorrow" did not hide it


async def test_a_malformed_payload_is_dropped_without_echoing_it(
    hub: Hub, country_nats: NatsServer, caplog: pytest.LogCaptureFixture
) -> None:
    bad = Envelope.wrap(snapshot(), node="se").to_dict()
    bad["data"]["cells"][0]["key"] = ["Visible Text That Must Not Be Logged"]
    nc = await node_client(country_nats, "se")
    try:
        await nc.jetstream().publish(bad["subject"], json.dumps(bad).encode())
        metrics = hub.app.state.concordia.extra.federation.links["se"].consumer.metrics

        async def terminated() -> bool:
            return metrics.terminated_total == 1

        await wait_for(terminated)
    finally:
        await nc.close()
    assert await _count(hub, Snapshot) == 0
    assert "cells.0.key.0" in caplog.text
    assert "Must Not Be Logged" not in caplog.text


async def test_ingest_counters_are_exported(hub: Hub, country_nats: NatsServer) -> None:
    nc = await node_client(country_nats, "pl")
    try:
        await publish(nc, Envelope.wrap(snapshot(node="pl"), node="pl"))
        await _consumed(hub, "pl", 1)
    finally:
        await nc.close()
    response = await hub.client.get("/metrics", headers=hub.auth("ops"))
    assert response.status_code == 200
    assert 'concordia_hub_ingest_applied_total{node="pl"} 1.0' in response.text
    assert 'concordia_hub_node_connected{node="se"} 1.0' in response.text


async def test_a_local_event_on_a_shared_subject_is_refused_and_not_kept(
    hub: Hub, country_nats: NatsServer
) -> None:
    local = Envelope.wrap(
        PersonErased(person_id=uuid.uuid4(), erased_at=datetime.now(UTC)), node="se"
    ).to_dict()
    local["subject"] = status().subject("se")  # smuggled onto a subject the hub reads
    nc = await node_client(country_nats, "se")
    try:
        await nc.jetstream().publish(local["subject"], json.dumps(local).encode())
        await _consumed(hub, "se", 1)
    finally:
        await nc.close()
    async with hub.app.state.concordia.db.unit_of_work(write=False) as session:
        (refusal,) = (await session.scalars(select(Refusal))).all()
        assert refusal.reason == "unexpected_type"
    assert await _count(hub, Snapshot) == 0
    assert (await hub.get("/v1/nodes"))[1]["services"] == []


async def test_a_snapshot_on_another_release_subject_is_refused(
    hub: Hub, country_nats: NatsServer
) -> None:
    moved = Envelope.wrap(snapshot(version=1), node="se").to_dict()
    moved["subject"] = snapshot(version=7).subject("se")
    nc = await node_client(country_nats, "se")
    try:
        await nc.jetstream().publish(moved["subject"], json.dumps(moved).encode())
        await _consumed(hub, "se", 1)
    finally:
        await nc.close()
    assert await _count(hub, Snapshot) == 0
    nodes = {n["code"]: n for n in await hub.get("/v1/nodes")}
    assert nodes["se"]["refused"] == 1
