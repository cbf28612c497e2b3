"""Alembic environment of the registry: its own tables and the library tables of the kit."""

from __future__ import annotations

from concordia.kit import run_alembic_env, service_named
from concordia.registry.models import Base

run_alembic_env(Base.metadata, service_named("registry").default_database_url)
