"""Alembic environment of the exchange: its own tables and the library tables of the kit."""

from __future__ import annotations

from concordia.exchange.models import Base
from concordia.kit import run_alembic_env, service_named

run_alembic_env(Base.metadata, service_named("exchange").default_database_url)
