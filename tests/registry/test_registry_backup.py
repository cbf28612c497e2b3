"""`concordia node backup` and `restore` of a registry database, on SQLite and PostgreSQL.

SQLite is copied through its online backup API while the registry runs, PostgreSQL with
pg_dump and pg_restore; the restored database serves the same persons, every personal field
decrypted with the node key, at the same outbox position. A damaged backup, a database that is
not empty and a wrong key are refused.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from click.testing import Result
from registry_support import Registry, person
from typer.testing import CliRunner

from concordia.cli.backup import position
from concordia.cli.main import app

ENV = {"CONCORDIA_ENV": "test"}  # the tests' registry runs with the development key


async def _cli(*args: str, env: dict[str, str] | None = None) -> Result:
    return await asyncio.to_thread(CliRunner().invoke, app, list(args), env=env or ENV)


async def _names(registry: Registry) -> dict[str, Any]:
    found = {}
    page = await registry.client.get("/v1/persons", params={"limit": 100}, headers=registry.rw)
    assert page.status_code == 200, page.text
    for item in page.json()["items"]:
        one = await registry.client.get(f"/v1/persons/{item['id']}", headers=registry.rw)
        assert one.status_code == 200, one.text
        found[item["id"]] = (one.json()["name"], one.json()["aliases"], one.json()["host_city"])
    return found


async def test_backup_and_restore_round_trip(
    make_registry: Callable[..., Awaitable[Registry]],
    database_url: str,
    db_backend: str,
    node_code: str,
    tmp_path: Path,
) -> None:
    registry = await make_registry()
    for n in range(6):
        answer = await registry.client.post("/v1/persons", json=person(n), headers=registry.rw)
        assert answer.status_code == 201, answer.text
    source = registry.settings.database_url
    before = await _names(registry)
    # The relay publishes while the node runs: back up once it is idle, so the live source's
    # position cannot move between the backup and the comparison below.
    await registry.relay_idle()
    out = tmp_path / "backup"

    made = await _cli("node", "backup", "--out", str(out), "--database-url",
                      f"registry={source}", "--node", node_code)  # fmt: skip
    assert made.exit_code == 0, made.output
    manifest = json.loads((out / "manifest.json").read_text())
    entry = manifest["services"]["registry"]
    assert entry["kind"] == db_backend
    assert manifest["node"] == node_code
    assert (out / entry["file"]).stat().st_mode & 0o077 == 0
    again = await _cli("node", "backup", "--out", str(out), "--database-url",
                       f"registry={source}", "--node", node_code)  # fmt: skip
    assert again.exit_code == 1
    assert "not empty" in again.output

    restore = ["node", "restore", "--from", str(out), "--database-url",
               f"registry={database_url}", "--node", node_code]  # fmt: skip
    wrong_key = ENV | {"CONCORDIA_NODE_KEY": "B" * 43 + "="}
    refused = await _cli(*restore, env=wrong_key)
    assert refused.exit_code == 1
    assert "the node key does not decrypt person" in " ".join(refused.output.split())
    restored = await _cli(*restore, "--force")
    assert restored.exit_code == 0, restored.output
    assert "the node key decrypts all 6 persons" in restored.output
    assert await position(database_url) == await position(source)
    assert (await position(database_url))["outbox"]["last_seq"] >= 6

    twice = await _cli(*restore)
    assert twice.exit_code == 1
    assert "--force" in twice.output
    other_node = await _cli("node", "restore", "--from", str(out), "--database-url",
                            f"registry={database_url}", "--node", "zz", "--force")  # fmt: skip
    assert other_node.exit_code == 1
    assert f"The backup is of node {node_code}" in " ".join(other_node.output.split())

    copy = await make_registry(url=database_url)
    assert await _names(copy) == before

    damaged = out / entry["file"]
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    broken = await _cli(*restore, "--force")
    assert broken.exit_code == 1
    assert "checksum" in broken.output
