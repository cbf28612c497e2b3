"""The restore drill: seed a node, back it up, destroy it, restore it; and the harder case.

A node's registry runs over real HTTP on its generated broker, the hub sources its releases.
The backup is taken while it runs (`concordia node backup`), the database is deleted, and
`concordia node restore` brings it back: the persons (every personal field decrypted with the
node key), the outbox position and the hub's view agree with before. Then a backup older than
what the hub already holds: restored, the node continues after the hub's newest releases — no
version the hub holds is sent again with other cells (the hub refuses nothing), and the hub's
history stays versions 1..n, once each.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from e2e_support import (
    Running,
    bearer,
    converged,
    convergence_gap,
    eventually,
    get_json,
    hub_history,
    node_released,
    node_token,
    write_round,
)
from federation_support import Coalition

from concordia.cli.backup import position
from concordia.cli.nodeinit import service_env

pytestmark = [pytest.mark.slow]


async def _persons(registry: str, token: str) -> dict[str, dict[str, Any]]:
    """Every person with every personal field, read one by one (each decrypted by the service)."""
    found: dict[str, dict[str, Any]] = {}
    params: dict[str, Any] = {"limit": 200}
    async with httpx.AsyncClient(base_url=registry, timeout=30) as client:
        while True:
            page = await client.get("/v1/persons", params=params, headers=bearer(token))
            assert page.status_code == 200, page.text
            for item in page.json()["items"]:
                one = await client.get(f"/v1/persons/{item['id']}", headers=bearer(token))
                assert one.status_code == 200, one.text
                found[item["id"]] = {k: one.json()[k] for k in ("name", "aliases", "host_city")}
            if not page.json()["next"]:
                return found
            params["after"] = page.json()["next"]


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "concordia.cli", *args], env=os.environ | env,
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _destroy(url: str) -> None:
    path = Path(url.removeprefix("sqlite:///"))
    for lost in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        lost.unlink(missing_ok=True)
    assert not path.exists()


async def _refused(hub: str, token: str) -> int:
    nodes = await get_json(hub, token, "/v1/nodes")
    return int(next(n for n in nodes if n["code"] == "se")["refused"])


async def test_restore_drill_and_a_backup_older_than_the_hub(
    coalition: Coalition, running: Running, tmp_path: Path
) -> None:
    c = coalition
    registry = await running.node_service(c, "se", "registry", interval=0.3)
    hub, reader = await running.hub(c)
    writer = node_token(c, "se", "registry:write")
    auditor = node_token(c, "se", "registry:read")
    env = service_env(c.nodes["se"].root, "registry")
    url = env["CONCORDIA_REGISTRY_DATABASE_URL"]
    restore_args = ["node", "restore", "--database-url", f"registry={url}", "--node", "se",
                    "--hub-url", hub, "--hub-token", reader, "--force"]  # fmt: skip

    async def hub_has_all() -> bool:
        return await converged(registry, auditor, hub, reader)

    # Seed, and back up while the node runs.
    await write_round(registry, writer)
    await write_round(registry, writer)
    await eventually(hub_has_all)
    before = await _persons(registry, auditor)
    released = await node_released(registry, auditor)
    first = tmp_path / "backup-1"
    out = await asyncio.to_thread(_cli, env, "node", "backup", "--out", str(first),
                                  "--database-url", f"registry={url}", "--node", "se")  # fmt: skip
    assert "Backed up node se" in out
    manifest = json.loads((first / "manifest.json").read_text())
    assert "node_key" not in json.dumps(manifest).lower()
    key = env["CONCORDIA_NODE_KEY"]
    raw = base64.urlsafe_b64decode(key)
    for file in first.iterdir():  # the key stays in its custody, never in a backup
        assert key.encode() not in file.read_bytes(), file
        assert raw not in file.read_bytes(), file

    # Destroy it; restore it.
    running.processes[0].stop()
    _destroy(url)
    out = await asyncio.to_thread(_cli, env, *restore_args, "--from", str(first))
    assert f"the node key decrypts all {len(before)} persons" in out
    assert await position(url) == {
        k: manifest["services"]["registry"][k] for k in ("outbox", "releases")
    }
    registry = await running.node_service(c, "se", "registry", interval=0.3)
    assert await _persons(registry, auditor) == before
    # The restored node continues its version sequence: never below what it had released (it
    # may release again at start, e.g. under the charter it now runs).
    again = await node_released(registry, auditor)
    assert set(again) == set(released)
    assert all(again[k]["version"] >= s["version"] for k, s in released.items()), again
    await eventually(hub_has_all)

    # A wrong key is refused before anything is said restored.
    wrong = env | {"CONCORDIA_NODE_KEY": "A" * 43 + "="}
    other = tmp_path / "restored-elsewhere.db"
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "concordia.cli", "node", "restore", "--from", str(first),
         "--database-url", f"registry=sqlite:///{other}", "--node", "se"],
        env=os.environ | wrong, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "the node key does not decrypt person" in " ".join(done.stdout.split())

    # The harder case: the node releases more after the backup, the hub holds it, the disk dies.
    for _ in range(2):
        await write_round(registry, writer)
        await asyncio.sleep(0.8)  # a few aggregate rounds: each round of writes is a release

    async def released_more() -> bool:
        newest = await node_released(registry, auditor)
        return any(newest[k]["version"] > released[k]["version"] for k in released)

    await eventually(released_more)  # a loaded machine publishes later: wait, never assume
    await eventually(hub_has_all)
    newest = await node_released(registry, auditor)
    assert any(newest[k]["version"] > released[k]["version"] for k in released)
    running.processes[-1].stop()
    _destroy(url)
    out = await asyncio.to_thread(_cli, env, *restore_args, "--from", str(first))
    assert "tables adopted" in out
    registry = await running.node_service(c, "se", "registry", interval=0.3)
    await write_round(registry, writer)

    async def continued() -> bool:
        now = await node_released(registry, auditor)
        mine = {k: (newest[k]["version"], now[k]["version"]) for k in newest}
        assert any(b > a for a, b in mine.values()), f"no table grew past the hub's: {mine}"
        gap = await convergence_gap(registry, auditor, hub, reader)
        assert gap is None, gap
        return True

    await eventually(continued, seconds=120)
    assert await _refused(hub, reader) == 0
    # Nothing the hub held was sent again under another content: versions 1..n, once each.
    history = await hub_history(hub, reader)
    for key, versions in history.items():
        numbers = sorted(s["version"] for s in versions)
        assert numbers == list(range(1, numbers[-1] + 1)), key
