"""Secure aggregation at a node: its settings and its kit table (``secagg_participants``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings
from sqlalchemy import JSON, Column, MetaData, String, Table, select

from concordia.core.db import Database, UtcDateTime


class SecureSettings(BaseSettings):
    """The node's identity files and epsilon budget (node-wide environment names); a base of
    ``ServiceSettings``."""

    identity_key_file: Path | None = Field(
        default=None, validation_alias="CONCORDIA_IDENTITY_KEY_FILE",
        description="The node's Ed25519 identity key (0600); unset: no secure aggregation.",
    )  # fmt: skip
    identity_directory_file: Path | None = Field(
        default=None, validation_alias="CONCORDIA_IDENTITY_DIRECTORY_FILE",
        description="The coalition directory the node pinned (the other nodes' public keys).",
    )  # fmt: skip
    secagg_epsilon_budget: float = Field(
        default=10.0, gt=0, validation_alias="CONCORDIA_SECAGG_EPSILON_BUDGET",
        description="Epsilon a node spends at most on one secure table over all periods; past "
        "it the node refuses to contribute (`epsilon_exhausted`).",
    )  # fmt: skip


class SecureStateStore:
    """The participant's state of each service, one JSON document (``secagg_participants``)."""

    def __init__(self, metadata: MetaData, *, table_name: str = "secagg_participants") -> None:
        self.table = Table(
            table_name,
            metadata,
            Column("service", String(32), primary_key=True),
            Column("state", JSON, nullable=False),
            Column("updated_at", UtcDateTime(), nullable=False),
            comment="Secure aggregation at this node: rounds, release log, epsilon ledger.",
        )

    async def load(self, db: Database, service: str) -> dict[str, Any] | None:
        """The service's state, or None before its first round."""
        async with db.unit_of_work(write=False) as session:
            state = await session.scalar(
                select(self.table.c.state).where(self.table.c.service == service)
            )
        return None if state is None else dict(state)

    async def save(self, db: Database, service: str, state: dict[str, Any]) -> None:
        """Replace the service's state."""
        t, now = self.table, datetime.now(UTC)
        async with db.unit_of_work() as session:
            done = await session.execute(
                t.update().where(t.c.service == service).values(state=state, updated_at=now)
            )
            if not getattr(done, "rowcount", 0):
                await session.execute(
                    t.insert().values(service=service, state=state, updated_at=now)
                )
