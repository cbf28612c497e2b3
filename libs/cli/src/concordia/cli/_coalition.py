"""The files of the coalition ``concordia up`` runs: the hub's and each node's, made once, kept.

The first run writes them with ``concordia hub init``, ``concordia node init`` and ``concordia
hub add-node`` (the functions behind those commands); later runs keep them, so every password,
store and database stays. Only a changed port range (or hub) regenerates a node's or the hub's
NATS configuration, keeping its passwords. The hub's leaf listener is TLS only (its CA made once
under the hub); a hub from before TLS gains it on the next run, and a node whose copy of the hub's
CA is missing or different has its ``nats.conf`` rewritten with a TLS remote.
A node directory from before the federation (no ``nats.conf``; its streams
in nats-server's global account under ``nats/jetstream/jetstream``) simply gets the generated
files: the new configuration has accounts, so those old streams are not seen, and ``up`` says
where they are. What its services published for the coalition before (their outboxes keep every
``shared.`` event) is replayed once into the node's new ``SHARED_<NODE>`` so the hub gets it.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any

import nats
from rich.console import Console

from concordia.cli._layout import HUB_SERVICE, NodeLayout, read_json, write_json
from concordia.cli._leaftls import fingerprint
from concordia.cli._natsconf.base import with_credentials
from concordia.cli.hubinit import add_node, init_hub, load_hub, save_hub, secure_leaf
from concordia.cli.nodeinit import init_node, read_passwords, service_env

#: Names of the countries the demo knows; any other code is "Testland <CODE>".
COUNTRY_NAMES = {"se": "Sweden", "pl": "Poland", "de": "Germany", "lt": "Lithuania",
                 "lv": "Latvia", "ee": "Estonia", "fi": "Finland", "cz": "Czechia",
                 "ge": "Georgia", "am": "Armenia"}  # fmt: skip
#: Where a pre-federation node kept its streams (the global account of a config without accounts).
OLD_STORE = Path("nats") / "jetstream" / "jetstream"
#: Present while a migrated node's earlier shared events still have to be replayed.
REPLAY_MARKER = "replay-shared.pending"


def country_name(code: str) -> str:
    """The country's name, for ``node.json`` and the hub's list."""
    return COUNTRY_NAMES.get(code, f"Testland {code.upper()}")


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def forget_pid_file(root: Path) -> None:
    """Drop a pid file left by a killed run: a reload must never signal a stranger's process."""
    (root / "nats" / "nats-server.pid").unlink(missing_ok=True)


def prepare_hub(layout: NodeLayout, console: Console) -> None:
    """Write the hub's files on the first run; on later runs follow a changed port range."""
    root = layout.root
    forget_pid_file(root)
    ports: dict[str, Any] = {
        "host": layout.host, "port": layout.nats_port,
        "monitor_port": layout.nats_monitor_port, "leaf_port": layout.leaf_port,
    }  # fmt: skip
    if not (root / "hub.json").exists():
        init_hub(root, **ports)
        console.print(f"  hub files    written to {_shown(root)} (concordia hub init)")
        return
    hub = load_hub(root)
    secured = secure_leaf(root, replace(hub, **ports))  # a hub from before TLS gains it here
    if secured == hub:
        return
    had_tls, hub = hub.leaf_tls is not None, secured
    save_hub(root, hub)
    if not had_tls:
        ca = _shown(root / "leaf-ca.pem")
        console.print(f"  hub files    leaf listener now TLS only (CA {ca})")
    host = "127.0.0.1" if hub.host in ("0.0.0.0", "") else hub.host  # noqa: S104
    for country in hub.countries:  # their URLs carry the hub's port
        path = root / "nodes" / f"{country.code}.json"
        entry = read_json(path)
        if entry is not None:
            url, name = f"nats://{host}:{hub.port}", f"hub-{country.code}"
            entry["nats_url"] = with_credentials(url, name, country.service_password)
            path.write_text(json.dumps(entry, indent=2) + "\n")
    console.print(f"  hub files    {_shown(root / 'nats.conf')} follows the new ports")


def prepare_node(
    layout: NodeLayout, hub_leaf_url: str | None, console: Console, hub_ca: Path | None = None
) -> None:
    """Write a node's files on the first run (also over a pre-federation directory).

    ``hub_ca``: the hub's leaf CA; a node without this very CA is rewritten (passwords kept).
    """
    root, code = layout.root, layout.node
    forget_pid_file(root)
    wanted = {"host": layout.host, "port": layout.nats_port,
              "monitor_port": layout.nats_monitor_port, "hub_leaf_url": hub_leaf_url,
              "hub_ca": fingerprint(hub_ca) if hub_ca and hub_leaf_url else None}  # fmt: skip
    current = read_json(root / "node.json") if (root / "nats.conf").exists() else None
    if current is not None and all(current.get(k) == v for k, v in wanted.items()):
        return
    old_store = root / OLD_STORE
    kept = read_passwords(root) if current is not None else None
    init_node(
        root, code, country_name(code), hub_leaf_url=hub_leaf_url, host=layout.host,
        port=layout.nats_port, monitor_port=layout.nats_monitor_port, hub_ca=hub_ca,
        passwords=kept, force=current is not None,
    )  # fmt: skip
    if current is not None:
        what = "ports or hub changed" if current.get("hub_ca") or not hub_ca else "hub TLS"
        console.print(
            f"  node files   {what}: {_shown(root / 'nats.conf')} regenerated "
            f"({'passwords' if kept else 'new passwords;'} data, tokens and key kept)"
        )
    elif old_store.is_dir():
        (root / REPLAY_MARKER).touch()
        console.print(
            f"  [yellow]note[/]         {_shown(root)} predates the federation: it now has "
            f"accounts (nats.conf), so its old streams in {_shown(old_store)} are no longer "
            "used (delete that directory to free the space); what it shared before is "
            "replayed to the hub once its services run."
        )
    else:
        console.print(f"  node files   written to {_shown(root)} (concordia node init)")


def join_hub(hub_root: Path, node_root: Path) -> Path:
    """Add the node in ``node_root`` to the hub (idempotent); returns its ``nodes/<code>.json``."""
    join = json.loads((node_root / "hub-join.json").read_text())
    code, secret = join["code"], join["leaf_password"]
    known = {c.code: c for c in load_hub(hub_root).countries}
    renewed = code in known and known[code].leaf_password != secret  # node files regenerated
    path: Path = add_node(
        hub_root, code, join.get("name", code), secret, force=renewed,
        public_key=join.get("public_key"),
    )  # fmt: skip
    return path


def node_env(layout: NodeLayout, service: str) -> dict[str, str]:
    """A node service's environment: its generated settings, in development mode."""
    env: dict[str, str] = dict(os.environ) | service_env(layout.root, service)
    return env | {"CONCORDIA_ENV": "dev"}


def hub_env(layout: NodeLayout) -> dict[str, str]:
    """The hub service's environment: its database, nodes directory and tokens under the hub."""
    root = layout.root
    tokens = root / "tokens.json"
    if not tokens.exists():
        write_json(tokens, {"tokens": {}}, private=True)
    return dict(os.environ) | {
        "CONCORDIA_ENV": "dev",
        "CONCORDIA_NODE": "hub",
        "CONCORDIA_TOKENS_FILE": str(tokens),
        "CONCORDIA_HUB_DATABASE_URL": layout.database_url(HUB_SERVICE),
        "CONCORDIA_HUB_NODES_DIR": str(root / "nodes"),
        "CONCORDIA_HUB_DIRECTORY_FILE": str(root / "directory.json"),
    }


async def _replay(database: Path, url: str, subjects: str) -> int:
    """Publish the outbox's published events on ``subjects`` (a LIKE pattern) again."""
    with closing(sqlite3.connect(database)) as db:
        rows = db.execute(
            "SELECT event_id, subject, payload, headers FROM outbox "
            "WHERE published_at IS NOT NULL AND subject LIKE ? ORDER BY seq",
            (subjects,),
        ).fetchall()
    if not rows:
        return 0
    client = await nats.connect(url, connect_timeout=5)
    try:
        js = client.jetstream()
        for event_id, subject, payload, headers in rows:
            extra = json.loads(headers) if headers else {}
            await js.publish(subject, bytes(payload), headers={"Nats-Msg-Id": event_id, **extra})
    finally:
        await client.close()
    return len(rows)


def replay_shared(layout: NodeLayout, console: Console) -> None:
    """Once, for a migrated node: its services' earlier ``shared.`` events into SHARED_<NODE>."""
    marker = layout.root / REPLAY_MARKER
    if not marker.exists():
        return
    total = 0
    for spec in layout.services:
        env = service_env(layout.root, spec.name)
        database = layout.root / f"{spec.name}.db"
        if database.exists() and "CONCORDIA_NATS_SHARED_URL" in env:
            pattern = f"shared.{layout.node}.{spec.name}.%"
            try:
                total += asyncio.run(_replay(database, env["CONCORDIA_NATS_SHARED_URL"], pattern))
            except (nats.errors.Error, OSError, TimeoutError, sqlite3.Error) as exc:
                console.print(f"  [yellow]replay failed[/] ({exc!r}); it is tried again next run")
                return
    marker.unlink()
    console.print(f"  replayed     {total} events shared before the federation, for the hub")
