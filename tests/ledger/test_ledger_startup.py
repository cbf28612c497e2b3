"""The service refuses an unmigrated database, and models and migrations agree."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from ledger_support import settings_for

from concordia.core.db import Database
from concordia.core.migrations import DatabaseNotMigratedError, upgrade
from concordia.events import NatsServer
from concordia.ledger import app as ledger_app
from concordia.ledger.app import SERVICE_DIR
from concordia.ledger.models import Base


async def test_refuses_to_start_on_an_unmigrated_database(
    nats_server: NatsServer, tmp_path: Path
) -> None:
    settings = settings_for(
        f"sqlite:///{tmp_path / 'empty.db'}", nats_server.url, tmp_path / "t.json", "zz"
    )
    app = ledger_app.create(settings)
    lifespan = app.router.lifespan_context(app)
    with pytest.raises(DatabaseNotMigratedError, match="ledger database is not migrated"):
        await lifespan.__aenter__()


async def test_models_and_migrations_agree(
    database_factories: Callable[[str], Awaitable[str]],
) -> None:
    db = Database(await database_factories("ledger"))
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
