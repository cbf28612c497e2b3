"""Alembic environment of the ledger: the shared runner, on the ledger's own tables."""

from __future__ import annotations

from concordia.core.migrations import run_alembic_env
from concordia.ledger.models import Base
from concordia.ledger.outbox import outbox  # noqa: F401  (registers the outbox tables)


def _configured_url() -> str:
    from concordia.ledger.settings import LedgerSettings

    return LedgerSettings(env="dev").database_url


run_alembic_env(Base.metadata, _configured_url)
