"""The files `concordia up` keeps for the coalition: made once, followed on a port change, and a
node directory from before the federation taken over (real nats-servers, real SQLite)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import nats
import pytest
from nats.js.errors import NotFoundError
from rich.console import Console
from up_support import free_base_port

from concordia.cli._coalition import (
    OLD_STORE,
    REPLAY_MARKER,
    join_hub,
    prepare_hub,
    prepare_node,
    replay_shared,
)
from concordia.cli._layout import NodeLayout, hub_layout
from concordia.cli._leaftls import LeafTls
from concordia.cli._overlaps import OVERLAP_PURPOSE, overlap_grants, shared_organisations
from concordia.cli.hubinit import load_hub, save_hub
from concordia.cli.nodeinit import read_env
from concordia.events import NatsServer


def _quiet() -> Console:
    return Console(file=open("/dev/null", "w"), soft_wrap=True)


def _recording(path: Path) -> Console:
    return Console(file=path.open("w"), soft_wrap=True, width=400)


def _node(var: Path, base: int, code: str = "se") -> NodeLayout:
    return NodeLayout(var=var, node=code, host="127.0.0.1", base_port=base)


def test_files_are_made_once_and_follow_a_new_port_range(tmp_path: Path) -> None:
    var = tmp_path / "var"
    hub, node = hub_layout(var, "127.0.0.1", 20000), _node(var, 20000)
    prepare_hub(hub, _quiet())
    prepare_node(node, hub.leaf_url, _quiet())
    join_hub(hub.root, node.root)
    conf, env = (node.root / "nats.conf").read_text(), read_env(node.root / "registry.env")
    member = (hub.root / "nodes" / "se.json").read_text()

    prepare_hub(hub, _quiet())  # a second run keeps everything
    prepare_node(node, hub.leaf_url, _quiet())
    join_hub(hub.root, node.root)
    assert (node.root / "nats.conf").read_text() == conf
    assert (hub.root / "nodes" / "se.json").read_text() == member

    moved_hub, moved = hub_layout(var, "127.0.0.1", 30000), _node(var, 30000)
    prepare_hub(moved_hub, _quiet())
    prepare_node(moved, moved_hub.leaf_url, _quiet())
    join_hub(moved_hub.root, moved.root)
    assert load_hub(hub.root).port == 30922
    assert ":30922" in json.loads((hub.root / "nodes" / "se.json").read_text())["nats_url"]
    assert "\nport: 30022\n" in (node.root / "nats.conf").read_text()
    assert "nats-leaf://leaf-se:" in (node.root / "nats.conf").read_text()
    moved_env = read_env(node.root / "registry.env")
    assert moved_env != env  # new port, same passwords
    assert moved_env["CONCORDIA_NATS_URL"] == env["CONCORDIA_NATS_URL"].replace(":20022", ":30022")
    join = json.loads((node.root / "hub-join.json").read_text())
    (country,) = load_hub(hub.root).countries
    assert country.leaf_password == join["leaf_password"]


def test_a_hub_and_node_from_before_tls_gain_it_and_keep_their_passwords(tmp_path: Path) -> None:
    var = tmp_path / "var"
    hub, node = hub_layout(var, "127.0.0.1", 20000), _node(var, 20000)
    prepare_hub(hub, _quiet())
    tls = LeafTls.at(hub.root)
    for path in (tls.ca_cert, tls.ca_key, tls.cert, tls.key):  # as a hub made before TLS
        path.unlink()
    save_hub(hub.root, load_hub(hub.root))
    prepare_node(node, hub.leaf_url, _quiet())  # as `up` did before: no CA
    join_hub(hub.root, node.root)
    assert "tls" not in (hub.root / "nats.conf").read_text()
    assert "ca_file" not in (node.root / "nats.conf").read_text()
    env, join = read_env(node.root / "ledger.env"), (node.root / "hub-join.json").read_text()

    said = tmp_path / "said.txt"
    console = _recording(said)
    prepare_hub(hub, console)
    prepare_node(node, hub.leaf_url, console, hub.root / "leaf-ca.pem")
    join_hub(hub.root, node.root)
    console.file.close()
    assert "now TLS only" in said.read_text()
    assert "hub TLS" in said.read_text()
    assert '"cert_file"' in (hub.root / "nats.conf").read_text()
    conf = (node.root / "nats.conf").read_text()
    assert json.dumps(str(node.root / "hub-ca.pem")) in conf
    assert read_env(node.root / "ledger.env") == env  # the services' passwords kept
    joined = json.loads((node.root / "hub-join.json").read_text())
    assert joined["leaf_password"] == json.loads(join)["leaf_password"]  # and the leaf password
    # ...and now mutual TLS: the hub issued the node's client certificate, which it presents.
    assert "leaf_csr" in joined
    assert json.dumps(str(node.root / "leaf-client.pem")) in conf
    assert '"verify": true' in (hub.root / "nats.conf").read_text()

    prepare_hub(hub, _quiet())  # a third run changes nothing
    prepare_node(node, hub.leaf_url, _quiet(), hub.root / "leaf-ca.pem")
    assert (node.root / "nats.conf").read_text() == conf


async def test_a_pre_federation_node_gets_accounts_and_its_old_streams_stay_unseen(
    tmp_path: Path,
) -> None:
    var = tmp_path / "var"
    node = _node(var, free_base_port())
    old = NatsServer(port=node.nats_port, monitor_port=node.nats_monitor_port,
                     store_dir=node.nats_dir, domain="se").start()  # fmt: skip
    client = await nats.connect(old.url)
    await client.jetstream().add_stream(name="SHARED_SE", subjects=["shared.se.>"])
    await client.jetstream().publish("shared.se.registry.old", b"{}")
    await client.close()
    old.stop()
    assert (node.root / OLD_STORE / "$G" / "streams" / "SHARED_SE").is_dir()

    said = tmp_path / "said.txt"
    console = _recording(said)
    prepare_node(node, None, console)
    console.file.close()
    assert "predates the federation" in said.read_text()
    assert str(OLD_STORE) in said.read_text()
    assert (node.root / REPLAY_MARKER).exists()

    server = NatsServer(port=node.nats_port, monitor_port=node.nats_monitor_port,
                        store_dir=node.nats_dir, domain="se",
                        config_file=node.root / "nats.conf").start()  # fmt: skip
    try:
        shared_url = read_env(node.root / "registry.env")["CONCORDIA_NATS_SHARED_URL"]
        client = await nats.connect(shared_url)
        js = client.jetstream()
        with pytest.raises(NotFoundError):  # the old global-account stream is not visible
            await js.stream_info("SHARED_SE")
        # As the registry does on start: its outbound stream in COALITION, then the replay.
        await js.add_stream(name="SHARED_SE", subjects=["shared.se.>"], max_msgs_per_subject=1)
        _outbox(node.root / "registry.db", [
            ("e1", "shared.se.registry.aggregate.persons.2026-Q4.v1", b'{"v": 1}', True),
            ("e2", "local.se.registry.person.created", b"{}", True),
            ("e3", "shared.se.registry.aggregate.persons.2026-Q4.v2", b'{"v": 2}', False),
        ])  # fmt: skip
        await client.close()
        await asyncio.to_thread(replay_shared, node, _quiet())  # as `up` calls it: no loop
        client = await nats.connect(shared_url)
        info = await client.jetstream().stream_info("SHARED_SE")
        await client.close()
    finally:
        server.stop()
    assert info.state.messages == 1  # only the published shared event; the relay sends e3
    assert not (node.root / REPLAY_MARKER).exists()  # once


def _outbox(path: Path, rows: list[tuple[str, str, bytes, bool]]) -> None:
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE outbox (seq INTEGER PRIMARY KEY, event_id TEXT, subject TEXT, "
            "type TEXT, payload BLOB, headers JSON, created_at TEXT, published_at TEXT)"
        )
        for event_id, subject, payload, published in rows:
            db.execute(
                "INSERT INTO outbox (event_id, subject, type, payload, headers, created_at, "
                "published_at) VALUES (?, ?, 't', ?, ?, 'now', ?)",
                (event_id, subject, payload, json.dumps({"Content-Type": "application/json"}),
                 "now" if published else None),
            )  # fmt: skip


def test_planted_overlaps_share_identifiers_and_fill_each_set() -> None:
    codes = ("se", "pl", "de")
    shared = {code: {o["identifier"] for o in shared_organisations(code)} for code in codes}
    assert shared["se"] & shared["pl"] & shared["de"]
    assert shared["se"] != shared["pl"]
    for code in ("se", "pl", "de", "lt"):
        plan = overlap_grants(code, "donor-id")
        recipients = {g.record["recipient"]["identifier"] for g in plan}
        assert len(recipients) >= 5, code  # the ledger's OVERLAP_MIN_SET_SIZE
        assert {g.record["purpose"] for g in plan} == {OVERLAP_PURPOSE}
        assert all(g.record["visibility"] != "restricted" for g in plan)
        assert all("Example" in g.record["title"] for g in plan)
