"""The hub refuses an unmigrated database, models and migrations agree, and it stores nothing
that the shared models could not carry."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hub_support import hub_settings

from concordia.core.db import Database
from concordia.core.migrations import DatabaseNotMigratedError, upgrade
from concordia.hub import app as hub_app
from concordia.hub.app import SERVICE_DIR
from concordia.hub.models import Base
from concordia.hub.settings import HubSettings


async def test_refuses_to_start_on_an_unmigrated_database(tmp_path: Path) -> None:
    settings = hub_settings(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path / "t.json", tmp_path)
    app = hub_app.create(settings)
    lifespan = app.router.lifespan_context(app)
    with pytest.raises(DatabaseNotMigratedError, match="hub database is not migrated"):
        await lifespan.__aenter__()


async def test_models_and_migrations_agree(
    database_factories: Callable[[str], Awaitable[str]],
) -> None:
    db = Database(await database_factories("hub"))
    try:
        async with db.engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
        assert diff == []
    finally:
        await db.dispose()


async def test_migrations_run_on_a_fresh_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    await asyncio.to_thread(upgrade, SERVICE_DIR, url)
    await asyncio.to_thread(upgrade, SERVICE_DIR, url)  # idempotent


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCORDIA_HUB_NODES_DIR", "/srv/hub/nodes")
    monkeypatch.setenv("CONCORDIA_HUB_STREAM_MODE", "direct")
    monkeypatch.setenv("CONCORDIA_HUB_CHARTER_RESEND_SECONDS", "5")
    settings = HubSettings(env="test")
    assert settings.nodes_dir == Path("/srv/hub/nodes")
    assert (settings.stream_mode, settings.charter_resend_seconds) == ("direct", 5.0)
    assert settings.node == "hub"
    monkeypatch.setenv("CONCORDIA_HUB_STREAM_MODE", "leaf")
    with pytest.raises(ValueError, match="stream_mode"):
        HubSettings(env="test")


def test_sourced_streams_read_the_node_through_its_domain() -> None:
    from concordia.hub.nodes import hub_country_stream

    sourced = hub_country_stream("se", "sourced")
    assert (sourced.name, sourced.subjects) == ("NODE_SE", ())
    (source,) = sourced.limits["sources"]
    assert (source.name, source.external.api) == ("SHARED_SE", "$JS.se.API")
    direct = hub_country_stream("se", "direct")
    assert direct.subjects == ("shared.se.>",)
    assert direct.limits == {"max_msgs_per_subject": 1, "allow_msg_ttl": True}
