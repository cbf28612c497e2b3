"""Alembic environment of the registry: the shared runner, on the registry's own tables."""

from __future__ import annotations

from concordia.core.migrations import run_alembic_env
from concordia.registry.models import Base
from concordia.registry.outbox import outbox  # noqa: F401  (registers the outbox tables)


def _configured_url() -> str:
    from concordia.registry.settings import RegistrySettings

    return RegistrySettings(env="dev").database_url


run_alembic_env(Base.metadata, _configured_url)
