"""the exchange's tables, with the full-text index of practices (SQLite FTS5 or PostgreSQL) (revision a22534f442f0, after , 2026-12-04 17:28:24.525722)."""

from __future__ import annotations

from alembic import op

from concordia.kit.ddl import *

revision, down_revision = "a22534f442f0", None
branch_labels, depends_on = ("exchange",), None


def upgrade() -> None:
    """Apply this revision."""
    create_table("blobs", string("sha256", 64), binary("content"), key=("sha256",))
    create_table(
        "contributions",
        uuid("id"),
        uuid("practice_id"),
        string("kind", 16),
        string("endorsement", 16, nullable=True),
        string("role", 40),
        string("country", 2),
        string("origin", 8),
        string("language", 8, nullable=True),
        text("text"),
        string("state", 16),
        owner(),
        string("author_token", 32, nullable=True),
        string("approver_token", 32, nullable=True),
        string("override_reason", 1000, nullable=True),
        moment("created_at"),
        moment("published_at", nullable=True),
        indexes=["practice_id"],
    )
    create_table(
        "practices",
        uuid("id"),
        string("origin", 8),
        owner(),
        string("workflow", 16),
        integer("revision"),
        integer("published_revision", nullable=True),
        string("topic", 40),
        string("country", 2),
        string("language", 8),
        json("languages"),
        string("standing", 16),
        string("title", 300),
        moment("created_at"),
        moment("updated_at"),
        indexes=[
            "origin",
            index("topic", "country", name="ix_practices_topic_country"),
            "workflow",
        ],
    )
    _of_practice = [ref("practice_id", "practices.id", ondelete="CASCADE")]
    create_table(
        "attachments",
        uuid("practice_id"),
        string("sha256", 64),
        string("media_type", 64),
        integer("size"),
        text("text"),
        owner(),
        moment("created_at"),
        key=("practice_id", "sha256"),
        refs=_of_practice,
    )
    create_table(
        "practice_languages",
        uuid("practice_id"),
        string("language", 8),
        key=("practice_id", "language"),
        refs=_of_practice,
        indexes=["language"],
    )
    create_table(
        "practice_revisions",
        uuid("id"),
        uuid("practice_id"),
        integer("number"),
        string("state", 16),
        json("content"),
        string("author_token", 32, nullable=True),
        string("author_owner", 128, nullable=True),
        string("approver_token", 32, nullable=True),
        string("approver_owner", 128, nullable=True),
        string("override_reason", 1000, nullable=True),
        moment("created_at"),
        moment("approved_at", nullable=True),
        refs=_of_practice,
        unique=[("practice_id", "number")],
        indexes=["practice_id"],
    )
    create_table(
        "practice_search",
        serial(),
        uuid("practice_id"),
        text("stemmed", nullable=False),
        key=("seq",),
        refs=_of_practice,
        unique=[("practice_id",)],
    )
    _create_full_text()


def downgrade() -> None:
    """Revert this revision."""
    _drop_full_text()
    drop_tables(
        "practice_search",
        "practice_revisions",
        "practice_languages",
        "attachments",
        "practices",
        "contributions",
        "blobs",
    )


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
