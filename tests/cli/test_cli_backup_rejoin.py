"""A restored node adopts the hub's newest releases as its own (``concordia.cli.backup``).

The hub's record of a release carries what the hub saw besides the release (when it arrived,
whether its signature held). The node stores only the release, exactly as its own store would:
otherwise its publisher could not read its last releases again and would never release more.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hub_support import snapshot

from concordia import kit
from concordia.cli.backup import BackupError, adopted_release, rejoin
from concordia.core.db import Database
from concordia.events.runtime.snapshot_store import digest_of
from concordia.kit.tables import snapshots
from concordia.registry import app as registry_app


def _held(version: int) -> dict[str, object]:
    """What the hub answers for one release of node se's registry."""
    release = snapshot(version=version).model_dump(mode="json")
    return release | {"received_at": datetime.now(UTC).isoformat(), "signature_verified": True}


async def test_adopted_releases_are_read_back_as_the_nodes_own(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    await asyncio.to_thread(kit.upgrade, Path(registry_app.SERVICE_DIR), url)
    done = await rejoin(url, [_held(3)])
    assert done.adopted == 1
    db = Database(url)
    try:
        async with db.unit_of_work(write=False) as session:
            last = await snapshots.last_releases(session)
            rows = (await session.execute(snapshots.table.select())).mappings().all()
    finally:
        await db.dispose()
    released = last[("persons_by_gender", "2026-Q4")]
    assert released.version == 3
    (row,) = rows
    assert "received_at" not in row["payload"]
    assert "signature_verified" not in row["payload"]
    assert row["payload"] == snapshot(version=3).model_dump(mode="json")
    assert row["digest"] == digest_of(row["payload"])


def test_a_record_that_is_no_release_is_refused_by_name() -> None:
    broken = _held(2) | {"cells": "none"}
    with pytest.raises(BackupError, match=r"persons_by_gender 2026-Q4 v2 is not a release"):
        adopted_release(broken)
