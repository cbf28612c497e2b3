"""Owners of records and a chained, append-only audit trail.

Revision 6e8f144443c2, after cf187471128f (2026-12-04). Every record gets an owner (an agency's
or a donor's, or the node operator's: existing rows are the operator's); external ids become
unique per owner. Audit entries get the caller's owner and a hash chain, computed here for the
entries already written; on PostgreSQL a trigger refuses UPDATE and DELETE of audit rows.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import op

revision, down_revision = "6e8f144443c2", "cf187471128f"
branch_labels, depends_on = None, None

_OWNED = ("persons", "organisations", "permits", "consents", "changes")
_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % of audit refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def upgrade() -> None:
    """Add owners, per-owner external ids, the audit chain and its append-only guard."""
    for table in _OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("owner", sa.String(length=64), server_default="operator", nullable=False)
            )
            batch_op.create_index(batch_op.f(f"ix_{table}_owner"), ["owner"], unique=False)
    for table in ("persons", "organisations"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"uq_{table}_external_id"), type_="unique")
            batch_op.create_unique_constraint(
                batch_op.f(f"uq_{table}_owner_external_id"), ["owner", "external_id"]
            )
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.LargeBinary(length=32), nullable=True))
    _chain_existing_entries()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_APPEND_ONLY)
        op.execute(
            "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit "
            "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
        )


def _text(value: Any) -> Any:
    if isinstance(value, datetime):
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _chain_existing_entries() -> None:
    # The chain as concordia.registry.service.audit_chain defines it (version 1), frozen here:
    # a migration must not change when the service's code does. Entries are renumbered 1..n in
    # their order (a gap in the chain means a removed entry) and owned by the operator, whose
    # tokens were the only ones before owners existed.
    audit = sa.table(
        "audit",
        sa.column("seq", sa.BigInteger()),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("token_id", sa.String()),
        sa.column("token_name", sa.String()),
        sa.column("owner", sa.String()),
        sa.column("action", sa.String()),
        sa.column("person_id", sa.Uuid()),
        sa.column("purpose", sa.String()),
        sa.column("hash", sa.LargeBinary()),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(audit).order_by(audit.c.seq)).mappings().all()
    previous = bytes(32)
    fields = ("seq", "at", "token_id", "token_name", "owner", "action", "person_id", "purpose")
    for number, row in enumerate(rows, start=1):
        entry = {**row, "seq": number, "owner": "operator"}
        content = orjson.dumps([_text(entry[name]) for name in fields])
        previous = hashlib.sha256(previous + content).digest()
        bind.execute(
            audit.update()
            .where(audit.c.seq == row["seq"])
            .values(seq=number, owner="operator", hash=previous)
        )


def downgrade() -> None:
    """Drop owners and the chain (external ids must again be unique on the node)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_no_truncate ON audit")
        op.execute("DROP TRIGGER IF EXISTS audit_append_only ON audit")
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("owner")
    for table in ("persons", "organisations"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"uq_{table}_owner_external_id"), type_="unique")
            batch_op.create_unique_constraint(
                batch_op.f(f"uq_{table}_external_id"), ["external_id"]
            )
    for table in _OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_owner"))
            batch_op.drop_column("owner")
