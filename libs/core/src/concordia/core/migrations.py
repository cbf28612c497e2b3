"""Alembic glue: run a service's migrations, and refuse to start on an unmigrated database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from logging.config import fileConfig
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData

from concordia.core.db import Database, create_engine, normalise_url


class DatabaseNotMigratedError(RuntimeError):
    """The database schema is not at the service's migration head."""


def alembic_config(service_dir: Path, url: str) -> Config:
    """Build an Alembic config for the service whose ``alembic.ini`` lives in ``service_dir``."""
    cfg = Config(str(service_dir / "alembic.ini"))
    cfg.set_main_option("script_location", str(service_dir / "migrations"))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def upgrade(service_dir: Path, url: str, revision: str = "heads") -> None:
    """Apply the service's migrations up to ``revision`` (blocking: run it in a thread)."""
    from alembic import command

    command.upgrade(alembic_config(service_dir, url), revision)


def _current_heads(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


async def ensure_migrated(db: Database, service: str, *, config: Config) -> None:
    """Raise a clear error unless the database is at every head of ``config``'s scripts."""
    script = ScriptDirectory.from_config(config)
    expected = set(script.get_heads())
    async with db.engine.connect() as conn:
        current = await conn.run_sync(_current_heads)
    if current != expected:
        found = ", ".join(sorted(current)) or "no schema at all"
        raise DatabaseNotMigratedError(
            f"The {service} database is not migrated (found {found}; expected "
            f"{', '.join(sorted(expected))}). Run `make migrate` or "
            f"`concordia migrate {service}` before starting the service."
        )


def run_alembic_env(
    metadata: MetaData | Sequence[MetaData], default_url: Callable[[], str]
) -> None:
    """The body of every service's ``migrations/env.py``: async engine, URL from the caller.

    The URL is the one the caller put in the Alembic config (``upgrade`` does), or else the
    service's configured database (``default_url``, called only then).
    """
    from alembic import context

    config = context.config
    if config.config_file_name is not None and not config.attributes.get("quiet"):
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    url = config.get_main_option("sqlalchemy.url") or default_url()
    targets = [metadata] if isinstance(metadata, MetaData) else list(metadata)

    def run(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=targets,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def online() -> None:
        engine = create_engine(url)
        async with engine.connect() as connection:
            await connection.run_sync(run)
            await connection.commit()
        await engine.dispose()

    if context.is_offline_mode():
        context.configure(url=url, target_metadata=targets, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(online())
