"""Alembic for every service: its own branch plus the kit's branch of the library tables.

A service database carries two Alembic branches: the service's (labelled with its name, its
domain tables) and ``kit`` (the tables the libraries own, here in ``migrations/versions``). A
change to a library table is one revision on the ``kit`` branch, applied to every service.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from alembic.config import Config
from sqlalchemy import MetaData

from concordia.core import migrations as _core
from concordia.core.db import Database
from concordia.kit.tables import metadata as kit_metadata

#: The kit branch's revisions (library tables), shared by every service database.
KIT_VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"


def alembic_config(service_dir: Path, url: str) -> Config:
    """The service's Alembic config with both version locations (its own and the kit's)."""
    cfg = _core.alembic_config(service_dir, url)
    locations = [str(service_dir / "migrations" / "versions"), str(KIT_VERSIONS)]
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(locations))
    return cfg


def upgrade(service_dir: Path, url: str, revision: str = "heads") -> None:
    """Apply the service's and the kit's migrations (blocking: run it in a thread)."""
    from alembic import command

    command.upgrade(alembic_config(service_dir, url), revision)


async def ensure_migrated(db: Database, service_dir: Path, service: str) -> None:
    """Raise a clear error unless the database is at every head (the service's and the kit's)."""
    await _core.ensure_migrated(db, service, config=alembic_config(service_dir, db.url))


def run_alembic_env(metadata: MetaData, default_url: Callable[[], str]) -> None:
    """The body of every service's ``migrations/env.py``: its tables and the library tables."""
    _core.run_alembic_env([metadata, kit_metadata], default_url)
