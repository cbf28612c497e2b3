"""the exchange's tables, with the full-text index of practices (SQLite FTS5 or PostgreSQL) (revision a22534f442f0, after , 2026-12-04 17:28:24.525722)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "a22534f442f0", None
branch_labels, depends_on = ("exchange",), None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blobs")),
    )
    op.create_table(
        "contributions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("endorsement", sa.String(length=16), nullable=True),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=128), nullable=False),
        sa.Column("author_token", sa.String(length=32), nullable=True),
        sa.Column("approver_token", sa.String(length=32), nullable=True),
        sa.Column("override_reason", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributions")),
    )
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contributions_practice_id"), ["practice_id"], unique=False
        )

    op.create_table(
        "practices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("owner", sa.String(length=128), nullable=False),
        sa.Column("workflow", sa.String(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("published_revision", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("standing", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practices")),
    )
    with op.batch_alter_table("practices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practices_origin"), ["origin"], unique=False)
        batch_op.create_index("ix_practices_topic_country", ["topic", "country"], unique=False)
        batch_op.create_index(batch_op.f("ix_practices_workflow"), ["workflow"], unique=False)

    op.create_table(
        "attachments",
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_attachments_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("practice_id", "sha256", name=op.f("pk_attachments")),
    )
    op.create_table(
        "practice_languages",
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_practice_languages_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("practice_id", "language", name=op.f("pk_practice_languages")),
    )
    with op.batch_alter_table("practice_languages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_practice_languages_language"), ["language"], unique=False
        )

    op.create_table(
        "practice_revisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("author_token", sa.String(length=32), nullable=True),
        sa.Column("author_owner", sa.String(length=128), nullable=True),
        sa.Column("approver_token", sa.String(length=32), nullable=True),
        sa.Column("approver_owner", sa.String(length=128), nullable=True),
        sa.Column("override_reason", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_practice_revisions_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_revisions")),
        sa.UniqueConstraint(
            "practice_id", "number", name=op.f("uq_practice_revisions_practice_id_number")
        ),
    )
    with op.batch_alter_table("practice_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_practice_revisions_practice_id"), ["practice_id"], unique=False
        )

    op.create_table(
        "practice_search",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("stemmed", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_practice_search_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_practice_search")),
        sa.UniqueConstraint("practice_id", name=op.f("uq_practice_search_practice_id")),
    )
    _create_full_text()


def downgrade() -> None:
    """Revert this revision."""
    _drop_full_text()
    op.drop_table("practice_search")
    with op.batch_alter_table("practice_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_revisions_practice_id"))

    op.drop_table("practice_revisions")
    with op.batch_alter_table("practice_languages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_languages_language"))

    op.drop_table("practice_languages")
    op.drop_table("attachments")
    with op.batch_alter_table("practices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practices_workflow"))
        batch_op.drop_index("ix_practices_topic_country")
        batch_op.drop_index(batch_op.f("ix_practices_origin"))

    op.drop_table("practices")
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contributions_practice_id"))

    op.drop_table("contributions")
    op.drop_table("blobs")


# The stemmed text of ``practice_search`` (see concordia.exchange.stemming) is indexed here,
# outside the models: an FTS5 table with external content, kept in step by triggers, on SQLite;
# a GIN index of to_tsvector('simple', ...) on PostgreSQL.
_SQLITE = [
    "CREATE VIRTUAL TABLE practice_fts USING fts5(stemmed, content='practice_search', "
    "content_rowid='seq', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER practice_search_ai AFTER INSERT ON practice_search BEGIN "
    "INSERT INTO practice_fts(rowid, stemmed) VALUES (new.seq, new.stemmed); END",
    "CREATE TRIGGER practice_search_ad AFTER DELETE ON practice_search BEGIN "
    "INSERT INTO practice_fts(practice_fts, rowid, stemmed) VALUES ('delete', old.seq, old.stemmed); END",
    "CREATE TRIGGER practice_search_au AFTER UPDATE ON practice_search BEGIN "
    "INSERT INTO practice_fts(practice_fts, rowid, stemmed) VALUES ('delete', old.seq, old.stemmed); "
    "INSERT INTO practice_fts(rowid, stemmed) VALUES (new.seq, new.stemmed); END",
]
_POSTGRES = [
    "CREATE INDEX ix_practice_search_fts ON practice_search "
    "USING gin (to_tsvector('simple', stemmed))",
]


def _create_full_text() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _SQLITE if sqlite else _POSTGRES:
        op.execute(statement)


def _drop_full_text() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("practice_search_ai", "practice_search_ad", "practice_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS practice_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_practice_search_fts")
