"""The coalition signs, not the hub: a charter is adopted only with m members' signatures, a
node refuses one that falls short (and the hub shows why), and applies it from its effective day.

Real parts: the hub service and its database, a nats-server with the country accounts, node
services' charter followers over the node users; keys are Ed25519 node keys of a directory that
the hub and the nodes pinned alike.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import nats
import pytest
from hub_support import Hub, user_url, wait_for
from typer.testing import CliRunner

from concordia.cli.identity import (
    DIRECTORY_FILE,
    IDENTITY_KEY,
    accept_at_hub,
    read_document,
    rotate_identity,
)
from concordia.cli.main import app
from concordia.core.db import Database
from concordia.events import (
    DEFAULT_CHARTER,
    CharterFollower,
    CharterPublished,
    Envelope,
    MemberSignature,
    NatsServer,
)
from concordia.identity import NodeKey, SignedDocument
from concordia.kit.tables import charters

RULES = {"k": 12, "dominance_n": 2, "dominance_k": "85", "p_percent": "10", "rounding_base": 5}


def body(version: str, effective: str = "2026-01-01", **extra: Any) -> dict[str, Any]:
    """A charter proposal as the coordination group would make it."""
    return {"version": version, "effective": effective, "disclosure": RULES} | extra


@pytest.fixture
async def node_db(database_factories: Callable[[str], Any]) -> AsyncIterator[Callable[[], Any]]:
    """Migrated registry databases (SQLite, and PostgreSQL when configured)."""
    made: list[Database] = []

    async def make() -> Database:
        db = Database(await database_factories("registry"))
        made.append(db)
        return db

    yield make
    for db in made:
        await db.dispose()


async def propose(hub: Hub, data: dict[str, Any]) -> int:
    """PUT a proposal; its revision."""
    response = await hub.client.put("/v1/charter", json=data, headers=hub.auth("hub:admin"))
    assert response.status_code == 200, response.text
    return int(response.json()["revision"])


def signature(revision_doc: dict[str, Any], code: str, key: NodeKey) -> dict[str, Any]:
    """``code``'s signature of a served document, made with ``key``."""
    document = SignedDocument.model_validate(revision_doc)
    return document.signed(code, key).signatures[-1].model_dump()


async def test_a_charter_is_adopted_only_with_m_valid_member_signatures(hub: Hub) -> None:
    revision = await propose(hub, body("2026.9"))
    served = await hub.get(f"/v1/charter/{revision}/document")
    assert served["kind"] == "charter"
    assert "signatures" not in served["body"]
    url = f"/v1/charter/{revision}/signatures"

    async def post(data: dict[str, Any]) -> Any:
        return await hub.client.post(url, json=data, headers=hub.auth("hub:admin"))

    # pl's name on se's key; a stranger's key; a signature of another body: all refused.
    # A member's name with a key or body that does not verify: 409; no member at all: 404.
    forged = signature(served, "pl", hub.keys["se"])
    assert (await post(forged)).status_code == 409
    stranger = signature(served, "fi", NodeKey.generate())
    assert (await post(stranger)).json()["errors"][0]["loc"] == ["body", "value"]
    outside = await post(signature(served, "no", NodeKey.generate()))
    assert outside.status_code == 404
    assert "not in the directory" in outside.json()["detail"]
    tampered = served | {"body": served["body"] | {"version": "2026.10"}}
    assert (await post(signature(tampered, "se", hub.keys["se"]))).status_code == 409

    status = await hub.sign(f"charter/{revision}", ("se", "pl"))
    assert (status["required"], status["signers"], status["signed"]) == (3, ["pl", "se"], False)
    assert status["shortfall"] == ["not_enough_signatures"]
    assert (await hub.get("/v1/charter"))["version"] == "default"  # two of four: nothing
    again = await hub.sign(f"charter/{revision}", ("se",))  # signing twice counts once
    assert again["signers"] == ["pl", "se"]

    status = await hub.sign(f"charter/{revision}", ("fi",))
    assert status["signed"]
    assert status["shortfall"] == []
    current = await hub.get("/v1/charter")
    assert (current["version"], current["revision"]) == ("2026.9", revision)
    assert sorted(s["signer"] for s in current["signatures"]) == ["fi", "pl", "se"]
    assert await hub.get("/v1/charter/proposals") == []


async def test_a_charter_cannot_lower_the_m_it_is_adopted_under(hub: Hub) -> None:
    lower = await propose(hub, body("2026.8", signatures_required=1))
    status = await hub.sign(f"charter/{lower}", ("se", "pl"))  # its own m 1 is not enough...
    assert (status["required"], status["signed"]) == (3, False)  # ...a majority adopts it
    first = await propose(hub, body("2026.9", signatures_required=4))
    status = await hub.sign(f"charter/{first}", ("se", "pl", "de"))
    assert (status["required"], status["signed"]) == (4, False)  # raising m takes the new m
    await hub.adopt(first, ("fi",))  # m 4 from now on
    second = await propose(hub, body("2026.10", signatures_required=1))
    status = await hub.sign(f"charter/{second}", ("se", "pl", "de"))
    assert (status["required"], status["signed"]) == (4, False)
    assert (await hub.get("/v1/charter"))["version"] == "2026.9"
    status = await hub.sign(f"charter/{second}", ("fi",))
    assert status["signed"]
    assert (await hub.get("/v1/charter"))["version"] == "2026.10"


async def _registry(hub: Hub, code: str) -> dict[str, Any] | None:
    nodes = {n["code"]: n for n in await hub.get("/v1/nodes")}
    return next((s for s in nodes[code]["services"] if s["service"] == "registry"), None)


def forged_charter(hub: Hub, revision: int, signers: dict[str, NodeKey]) -> CharterPublished:
    """A charter as a hub that lies would send it: signed by ``signers`` (code -> key used)."""
    charter = CharterPublished(
        version=f"forged.{revision}", revision=revision, effective=date(2026, 1, 1),
        disclosure=DEFAULT_CHARTER.disclosure.model_copy(update={"k": 50}),
    )  # fmt: skip
    kind, data = charter.document()
    document = SignedDocument(kind=kind, body=data)
    for code, key in signers.items():
        document = document.signed(code, key)
    return charter.model_copy(
        update={"signatures": tuple(MemberSignature.of(s) for s in document.signatures)}
    )


@pytest.mark.parametrize(
    ("signers", "reasons"),
    [
        ({}, ["unsigned"]),
        (("se", "pl"), ["not_enough_signatures"]),
        ({"se": "se", "pl": "se", "de": "de"}, ["not_enough_signatures", "bad_signature"]),
    ],
    ids=["unsigned", "fewer-than-m", "wrongly-signed"],
)
async def test_a_node_refuses_a_charter_short_of_signatures_and_the_hub_shows_it(
    hub: Hub, country_nats: NatsServer, node_db: Callable[[], Any],
    signers: Any, reasons: list[str],
) -> None:  # fmt: skip
    db: Database = await node_db()
    client = await nats.connect(user_url(country_nats, "se", "node"))
    follower = CharterFollower(
        db, charters, node="se", service="registry", interval=0.3, directory=hub.directory()
    )
    await follower.start(client)
    # The hub's own user in se's account: what a hub that forges charters can publish.
    liar = await nats.connect(user_url(country_nats, "se", "hub"))
    try:
        pairs = signers.items() if isinstance(signers, dict) else ((c, c) for c in signers)
        forged = forged_charter(hub, 7, {code: hub.keys[used] for code, used in pairs})
        await liar.publish("hub.charter", Envelope.wrap(forged, node="hub").to_bytes())

        async def refused() -> dict[str, Any] | None:
            shown = await _registry(hub, "se")
            return shown if shown and shown["charter_refused"] else None

        shown = await wait_for(refused)
        assert shown["charter_refused"] == {
            "revision": 7, "version": "forged.7", "reasons": reasons,
        }  # fmt: skip
        assert (shown["charter_version"], follower.current.disclosure.k) == ("default", 10)
        assert await charters.kept(db) == []  # not kept: a restart does not pick it up
    finally:
        await follower.stop()
        await liar.close()
        await client.close()


async def test_a_node_without_a_pinned_directory_refuses_every_charter(
    hub: Hub, country_nats: NatsServer, node_db: Callable[[], Any]
) -> None:
    db: Database = await node_db()
    client = await nats.connect(user_url(country_nats, "pl", "node"))
    follower = CharterFollower(db, charters, node="pl", service="registry", interval=0.3)
    await follower.start(client)
    try:
        await hub.adopt(await propose(hub, body("2026.9")))

        async def refused() -> dict[str, Any] | None:
            shown = await _registry(hub, "pl")
            return shown if shown and shown["charter_refused"] else None

        assert (await wait_for(refused))["charter_refused"]["reasons"] == ["no_directory"]
        assert follower.current.version == "default"
    finally:
        await follower.stop()
        await client.close()


async def test_a_charter_with_a_future_effective_day_applies_then_not_before(
    hub: Hub, country_nats: NatsServer, node_db: Callable[[], Any]
) -> None:
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    ahead = timedelta(0)  # the node's clock, moved on below

    def clock() -> datetime:
        return datetime.now(UTC) + ahead

    db: Database = await node_db()
    client = await nats.connect(user_url(country_nats, "se", "node"))
    follower = CharterFollower(
        db, charters, node="se", service="registry", interval=0.3, directory=hub.directory(),
        clock=clock,
    )  # fmt: skip
    await follower.start(client)
    try:
        revision = await propose(hub, body("2027.1", effective=tomorrow.isoformat()))
        await hub.adopt(revision)
        # Adopted, but its day has not come: the hub keeps the defaults in force...
        assert (await hub.get("/v1/charter"))["version"] == "default"
        assert [v["version"] for v in await hub.get("/v1/charter/versions")][-1] == "2027.1"

        # ...and the node holds it, runs the defaults, and says so.
        async def held() -> dict[str, Any] | None:
            shown = await _registry(hub, "se")
            return shown if shown and shown["charter_pending"] == revision else None

        shown = await wait_for(held)
        assert (shown["charter_version"], follower.current.version) == ("default", "default")
        assert [c.version for c in await charters.kept(db)] == ["2027.1"]

        # Restarted before the day: still held, not applied.
        await follower.stop()
        await follower.start(client)
        assert follower.current.version == "default"
        assert follower.pending is not None
        assert follower.pending.version == "2027.1"

        ahead = timedelta(days=1)  # the day comes

        async def runs() -> dict[str, Any] | None:
            shown = await _registry(hub, "se")
            return shown if shown and shown["charter_version"] == "2027.1" else None

        shown = await wait_for(runs)
        assert shown["charter_pending"] is None
        assert shown["charter_refused"] is None
        assert follower.current.disclosure.k == 12
    finally:
        await follower.stop()
        await client.close()


async def test_a_key_rotation_keeps_a_node_signing_with_the_cli(
    hub: Hub, tmp_path: Path, country_nats: NatsServer, node_db: Callable[[], Any]
) -> None:
    # se's node directory as `concordia node init` and `pin-directory` leave it.
    root = tmp_path / "se"
    root.mkdir()
    (root / "node.json").write_text(json.dumps({"code": "se", "name": "Testland SE"}))
    hub.keys["se"].save(root / IDENTITY_KEY)
    shutil.copy(hub.settings.directory_file, root / DIRECTORY_FILE)

    # se rotates its key; the old key signs the new directory, the hub (and a node) accept it.
    old, new, rotation = rotate_identity(root)
    assert rotation is not None
    accept_at_hub(hub.settings.directory_file.parent, read_document(rotation))
    assert hub.directory()() is not None
    assert hub.directory()().keys()["se"] == new

    revision = await propose(hub, body("2026.9"))
    served = await hub.get(f"/v1/charter/{revision}/document")
    url = f"/v1/charter/{revision}/signatures"
    with_old = signature(served, "se", hub.keys["se"])
    refused = await hub.client.post(url, json=with_old, headers=hub.auth("hub:admin"))
    assert refused.status_code == 409  # the retired key signs nothing any more

    # `concordia charter sign --file` with the new key, relayed to the hub.
    file = tmp_path / "charter.json"
    file.write_text(json.dumps(served))
    result = CliRunner().invoke(
        app, ["charter", "sign", str(revision), "--dir", str(root), "--file", str(file), "--yes"]
    )
    assert result.exit_code == 0, result.output
    assert f"digest {SignedDocument.model_validate(served).digest}" in result.output
    (mine,) = read_document(file).signatures
    assert (mine.signer, mine.key) == ("se", new.text)
    relayed = await hub.client.post(url, json=mine.model_dump(), headers=hub.auth("hub:admin"))
    assert relayed.json()["signers"] == ["se"]
    await hub.adopt(revision, ("pl", "de"))

    # A node that pinned the rotated directory applies the charter se signed with its new key.
    db: Database = await node_db()
    client = await nats.connect(user_url(country_nats, "pl", "node"))
    follower = CharterFollower(
        db, charters, node="pl", service="registry", interval=0.3, directory=hub.directory()
    )
    await follower.start(client)
    try:
        await wait_for(lambda: follower.current.version == "2026.9")
        assert follower.refused is None
    finally:
        await follower.stop()
        await client.close()
    assert old != new
