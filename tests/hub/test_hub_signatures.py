"""The hub keeps and shows each node's signature of its snapshots and status reports, checked
against the coalition directory; an invalid one is refused and recorded (issue 10).

Real nats-server (one account per country), the hub app with its directory file.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from hub_support import Hub, node_client, publish, snapshot, status, wait_for
from sqlalchemy import select

from concordia.events import (
    AggregateSnapshotPublished,
    Envelope,
    Event,
    NatsServer,
    event_signature_problem,
    sign_event,
)
from concordia.hub.models import Refusal, Snapshot
from concordia.identity import Directory, DirectoryPin, Member, NodeIdentity, NodeKey

KEYS = {"se": NodeKey.generate(), "pl": NodeKey.generate()}
SE = NodeIdentity("se", KEYS["se"])
PL = NodeIdentity("pl", KEYS["pl"])


def write_directory(path: Path) -> None:
    """The coalition directory of se and pl, signed by both, as the hub keeps it."""
    members = tuple(
        Member(code=c, name=c.upper(), public_key=k.public.text) for c, k in KEYS.items()
    )
    document = Directory(serial=1, members=members).document()
    for code, key in KEYS.items():
        document = document.signed(code, key)
    DirectoryPin.first(document).save(path)


@pytest.fixture
async def signed_hub(make_hub: Callable[..., Awaitable[Hub]], tmp_path: Path) -> Hub:
    """A hub that checks signatures against its directory and requires them."""
    write_directory(tmp_path / "directory.json")
    hub = await make_hub(directory_file=tmp_path / "directory.json", require_signatures=True)
    await hub.linked("se")
    await hub.linked("pl")
    return hub


async def refusals(hub: Hub) -> list[str]:
    async with hub.app.state.concordia.db.unit_of_work(write=False) as session:
        return list(await session.scalars(select(Refusal.reason).order_by(Refusal.id)))


async def send(country: NatsServer, *events: Event) -> None:
    nc = await node_client(country, "se")
    try:
        for event in events:
            await publish(nc, Envelope.wrap(event, node="se"))
    finally:
        await nc.close()


async def test_a_signed_table_is_kept_shown_and_provable(
    signed_hub: Hub, country_nats: NatsServer
) -> None:
    signed = sign_event(snapshot(version=1), SE)
    await send(country_nats, signed, sign_event(status(), SE))

    async def shown() -> Any:
        nodes = {n["code"]: n for n in await signed_hub.get("/v1/nodes")}
        tables = await signed_hub.get("/v1/aggregates", node="se")
        return tables and nodes["se"]["services"] and (tables, nodes["se"]["services"])

    tables, services = await wait_for(shown)
    (table,) = tables
    assert table["signature_verified"] is True
    assert table["signature"]["signer"] == "se"
    assert table["signature"]["key"] == KEYS["se"].public.text
    # Anyone holding the directory can check the table as the hub shows it.
    body = {k: v for k, v in table.items() if k not in ("received_at", "signature_verified")}
    again = AggregateSnapshotPublished.model_validate(body)
    assert again == signed
    assert event_signature_problem(again, {c: k.public for c, k in KEYS.items()}) is None
    changed = again.model_copy(update={"cells": again.cells[:1]})
    assert event_signature_problem(changed, {"se": KEYS["se"].public}) == "bad_signature"

    (service,) = services
    assert service["signature_verified"] is True
    assert service["signature"]["signer"] == "se"
    assert await refusals(signed_hub) == []


@pytest.mark.parametrize(
    ("forge", "reason"),
    [
        ("unsigned", "unsigned"),
        ("tampered", "bad_signature"),  # signed, then a count changed on the way
        ("other_key", "bad_signature"),  # signed as se with a key the directory does not list
        ("peer_signed", "foreign_signer"),  # pl's valid signature on se's table
    ],
)
async def test_an_invalid_signature_is_refused_and_recorded(
    signed_hub: Hub, country_nats: NatsServer, forge: str, reason: str
) -> None:
    table = snapshot(version=1)
    forged: dict[str, Event] = {
        "unsigned": table,
        "tampered": sign_event(table, SE).model_copy(
            update={"cells": snapshot(version=1, female=400, male=35).cells}
        ),
        "other_key": sign_event(table, NodeIdentity("se", NodeKey.generate())),
        "peer_signed": sign_event(table, PL),
    }
    report = forged[forge]
    await send(country_nats, report)
    await wait_for(lambda: _refused(signed_hub))
    assert await refusals(signed_hub) == [reason]
    async with signed_hub.app.state.concordia.db.unit_of_work(write=False) as session:
        assert (await session.scalars(select(Snapshot))).all() == []

    # A status report is checked the same way.
    bad_status = sign_event(status(), SE).model_copy(update={"outbox_pending": 7})
    await send(country_nats, bad_status)
    await wait_for(lambda: _refused(signed_hub, 2))
    assert (await refusals(signed_hub))[1] == "bad_signature"
    nodes = {n["code"]: n for n in await signed_hub.get("/v1/nodes")}
    assert nodes["se"]["services"] == []
    assert nodes["se"]["refused"] == 2


async def _refused(hub: Hub, n: int = 1) -> bool:
    return len(await refusals(hub)) >= n


async def test_without_a_directory_signatures_are_kept_unchecked(
    make_hub: Callable[..., Awaitable[Hub]], country_nats: NatsServer, tmp_path: Path
) -> None:
    hub = await make_hub(directory_file=tmp_path / "no-directory.json")
    await hub.linked("se")
    await send(country_nats, snapshot(version=1), sign_event(snapshot(version=2), SE))

    async def shown() -> Any:
        history = await hub.get("/v1/aggregates", node="se", history="true")
        return len(history) == 2 and history

    first, second = await wait_for(shown)
    assert (first["signature"], first["signature_verified"]) == (None, False)
    assert second["signature"]["signer"] == "se"
    assert second["signature_verified"] is False
