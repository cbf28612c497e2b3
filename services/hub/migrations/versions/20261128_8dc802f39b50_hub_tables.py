"""the hub's tables:
nodes, service status, snapshots, refusals, charters, overlap outcomes (the first revisions, squashed).
"""

from __future__ import annotations

import sqlalchemy as sa

from concordia.kit.ddl import *

revision, down_revision = "8dc802f39b50", None
branch_labels, depends_on = ("hub",), None


def upgrade() -> None:
    """Create the hub's tables."""
    create_table(
        "charters",
        sa.Column("revision", sa.Integer(), autoincrement=False, nullable=False),
        string("version", 64),
        day("effective"),
        json("payload"),
        moment("created_at"),
        key=("revision",),
        unique=[("version",)],
    )
    create_table(
        "nodes",
        string("code", 8),
        string("title", 128),
        moment("first_seen_at"),
        moment("last_report_at", nullable=True),
        key=("code",),
    )
    create_table(
        "overlap_outcomes",
        string("run_id", 64),
        string("period", 16),
        string("purpose", 64),
        string("client", 8),
        string("server", 8),
        string("status", 16),
        integer("count", nullable=True),
        string("declined_by", 8, nullable=True),
        string("reason", 32, nullable=True),
        moment("at"),
        key=("run_id",),
        indexes=["period"],
    )
    create_table(
        "refusals",
        serial("id"),
        string("account", 8),
        string("reason", 64),
        string("event_id", 64),
        moment("at"),
        indexes=["account"],
    )
    create_table(
        "service_status",
        string("node", 8),
        string("service", 64),
        string("charter_version", 64),
        integer("charter_revision"),
        integer("outbox_pending"),
        moment("sent_at"),
        moment("received_at"),
        key=("node", "service"),
    )
    create_table(
        "snapshots",
        serial("id"),
        string("node", 8),
        string("service", 64),
        string("aggregate", 64),
        string("period", 64),
        integer("version"),
        string("measure", 64),
        string("charter_version", 64),
        json("payload"),
        string("event_id", 64),
        moment("published_at"),
        moment("received_at"),
        unique=[("node", "service", "aggregate", "period", "version")],
    )


def downgrade() -> None:
    """Drop the hub's tables."""
    drop_tables("snapshots", "service_status", "refusals", "overlap_outcomes", "nodes", "charters")
