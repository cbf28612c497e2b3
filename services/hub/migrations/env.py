"""Alembic environment of the hub: the shared runner, on the hub's own tables."""

from __future__ import annotations

from concordia.core.migrations import run_alembic_env
from concordia.hub.models import Base


def _configured_url() -> str:
    from concordia.hub.settings import HubSettings

    return HubSettings(env="dev").database_url


run_alembic_env(Base.metadata, _configured_url)
