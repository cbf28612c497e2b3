"""Rotating the node key: `concordia node rotate-key` re-encrypts every person, resumably."""

from __future__ import annotations

import asyncio
import base64
import json
import os
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from registry_support import Registry, person
from sqlalchemy import select
from typer.testing import CliRunner

from concordia.cli.main import app as cli
from concordia.core.crypto import key_id
from concordia.registry.models import Person

runner = CliRunner()
PURPOSE = {"X-Purpose": "data_subject_request"}


def _key() -> tuple[str, bytes]:
    raw = os.urandom(32)
    return base64.urlsafe_b64encode(raw).decode(), raw


async def _key_ids(registry: Registry) -> list[bytes]:
    async with registry.app.state.concordia.db.unit_of_work() as session:
        rows = (await session.execute(select(Person.name_enc).order_by(Person.id))).all()
    return [row.name_enc[1:5] for row in rows if row.name_enc is not None]


async def _rotate(monkeypatch: pytest.MonkeyPatch, url: str, new: str, old: str) -> Any:
    monkeypatch.setenv("CONCORDIA_ENV", "test")
    monkeypatch.setenv("CONCORDIA_NODE_KEY", new)
    monkeypatch.setenv("CONCORDIA_NODE_KEYS_RETIRED", json.dumps([old]))
    args = ["node", "rotate-key", "--database-url", url, "--batch", "2"]
    result = await asyncio.to_thread(runner.invoke, cli, args)  # the command runs its own loop
    assert result.exit_code == 0, result.output
    return result


async def test_rotate_key_reencrypts_everyone_and_can_run_again(
    make_registry: Callable[..., Awaitable[Registry]],
    database_factories: Callable[[str], Awaitable[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = await database_factories("registry")
    (old, old_raw), (new, new_raw) = _key(), _key()
    before = await make_registry(url, node_key=old)
    sync = await before.client.put(
        "/v1/sync/persons", json={"records": [person(n) for n in range(5)]}, headers=before.rw
    )
    assert sync.status_code == 200, sync.text
    erased_id = sync.json()["results"][4]["id"]
    gone = await before.client.delete(f"/v1/persons/{erased_id}", headers={**before.rw, **PURPOSE})
    assert gone.status_code == 204
    assert await _key_ids(before) == [key_id(old_raw)] * 4

    result = await _rotate(monkeypatch, url, new, old)
    assert "Re-encrypted 4 of 4 persons in 2 batches" in result.output
    assert await _key_ids(before) == [key_id(new_raw)] * 4
    # Run again (as after an interruption): what is done is skipped.
    again = await _rotate(monkeypatch, url, new, old)
    assert "Re-encrypted 0 of 4 persons" in again.output

    # The new key alone reads everyone; the old key is needed only for the erased tombstone.
    after = await make_registry(url, node_key=new, node_keys_retired=[old])
    listed = await after.client.get("/v1/persons", headers={**after.rw, **PURPOSE})
    names = sorted(p["name"] for p in listed.json()["items"] if not p["erased"])
    assert names == [f"Testperson {n:06d}" for n in range(4)]
    resync = await after.client.put(
        "/v1/sync/persons", json={"records": [person(n) for n in range(5)]}, headers=after.rw
    )
    statuses = [r["status"] for r in resync.json()["results"]]
    assert statuses == ["unchanged"] * 4 + ["rejected"]  # digests recomputed; erasure holds
    only_new = await make_registry(url, node_key=new)
    one = await only_new.client.get(
        f"/v1/persons/{sync.json()['results'][0]['id']}", headers={**only_new.rw, **PURPOSE}
    )
    assert one.json()["name"] == "Testperson 000000"
    # External ids were re-digested under the new key: the new key alone finds each person.
    found = await only_new.client.put(
        "/v1/sync/persons", json={"records": [person(n) for n in range(4)]}, headers=only_new.rw
    )
    assert [r["status"] for r in found.json()["results"]] == ["unchanged"] * 4
    assert one.json()["external_id"] == "TEST-000000"
