"""Every service: refuses an unmigrated database, and its models and migrations agree."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from services_support import create_app, models_metadata, settings_for_test

from concordia.core.auth import SCOPES
from concordia.core.db import Database
from concordia.core.migrations import DatabaseNotMigratedError
from concordia.events import NatsServer
from concordia.kit import SERVICES, ServiceSpec, alembic_config, upgrade
from concordia.kit.tables import metadata as kit_metadata

ROOT = Path(__file__).resolve().parents[2]


async def test_refuses_to_start_on_an_unmigrated_database(
    spec: ServiceSpec, nats_server: NatsServer, tmp_path: Path
) -> None:
    settings = settings_for_test(
        spec, url=f"sqlite:///{tmp_path / 'empty.db'}", nats_url=nats_server.url,
        tokens=tmp_path / "t.json", workdir=tmp_path,
    )  # fmt: skip
    app = create_app(spec, settings)
    lifespan = app.router.lifespan_context(app)
    with pytest.raises(DatabaseNotMigratedError, match=f"{spec.name} database is not migrated"):
        await lifespan.__aenter__()


async def test_models_and_migrations_agree(
    spec: ServiceSpec, database_factories: Callable[[str], Awaitable[str]]
) -> None:
    """The service's tables and the kit's, column types included, on every backend."""
    db = Database(await database_factories(spec.name))
    targets = [models_metadata(spec), kit_metadata]
    try:
        async with db.engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(
                        sync, opts={"compare_type": True, "target_metadata": targets}
                    ),
                    targets,  # type: ignore[arg-type]
                )
            )
        # Tables a migration makes outside the models (the exchange's FTS5 index) are declared.
        info = models_metadata(spec).info
        unmapped = {
            "remove_table": info.get("unmapped_tables", frozenset()),
            "remove_index": info.get("unmapped_indexes", frozenset()),
        }
        diff = [d for d in diff if not (d[0] in unmapped and d[1].name in unmapped[d[0]])]
        assert diff == []
    finally:
        await db.dispose()


async def test_migrations_run_on_a_fresh_file_and_again(spec: ServiceSpec, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    await asyncio.to_thread(upgrade, spec.service_dir(), url)
    await asyncio.to_thread(upgrade, spec.service_dir(), url)  # idempotent
    with sqlite3.connect(tmp_path / "fresh.db") as conn:
        heads = {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
    assert kit_head(spec) in heads
    assert len(heads) == 2  # the service's branch and the kit's


async def test_the_kit_adopts_library_tables_a_service_made_before_it(tmp_path: Path) -> None:
    """A database whose service created the outbox and inbox itself keeps them as they are."""
    spec = SERVICES[0]
    path = tmp_path / "old.db"
    await asyncio.to_thread(upgrade, spec.service_dir(), f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:  # as before the kit: the kit branch not yet recorded
        conn.execute("DELETE FROM alembic_version WHERE version_num = ?", (kit_head(spec),))
        conn.execute("INSERT INTO outbox_lease VALUES ('relay', 'kept', 1)")
    await asyncio.to_thread(upgrade, spec.service_dir(), f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT holder FROM outbox_lease").fetchall() == [("kept",)]
        heads = {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
    assert kit_head(spec) in heads


def kit_head(spec: ServiceSpec) -> str:
    """The newest revision of the kit's branch (the library tables)."""
    script = ScriptDirectory.from_config(alembic_config(spec.service_dir(), "sqlite://"))
    head = script.revision_map.get_current_head("kit")
    assert head is not None
    return head


def test_every_service_directory_is_in_the_list() -> None:
    """One list: a service package without an entry (or an entry without a package) fails."""
    on_disk = {p.name for p in (ROOT / "services").iterdir() if (p / "pyproject.toml").exists()}
    assert on_disk == {s.name for s in SERVICES}
    for spec in SERVICES:
        assert spec.service_dir() == ROOT / "services" / spec.name
        assert len({s.offset for s in SERVICES if s.role == spec.role}) == len(
            [s for s in SERVICES if s.role == spec.role]
        ), "two services of one role share a port offset"


def test_every_scope_of_the_list_is_a_known_scope() -> None:
    """Tokens can be issued for every scope a service of the list checks."""
    for spec in SERVICES:
        assert set(spec.scopes) <= SCOPES.keys(), spec.name
