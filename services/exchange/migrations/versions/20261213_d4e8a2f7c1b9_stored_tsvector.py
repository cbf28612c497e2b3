"""PostgreSQL: the stemmed text's tsvector stored beside it, GIN-indexed (revision d4e8a2f7c1b9).

The expression index let ``@@`` find candidates, but ``ts_rank`` then rebuilt every match's
vector from its text, for each query: with many matches, seconds. A generated column keeps the
vector (PostgreSQL fills it on every insert and update); its GIN index replaces the expression
index. SQLite (FTS5) is unchanged.
"""

from __future__ import annotations

from concordia.kit.ddl import *

revision, down_revision = "d4e8a2f7c1b9", "a22534f442f0"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Add ``practice_search.stemmed_tsv`` and its index; drop the expression index."""
    execute_on(
        "postgresql",
        "ALTER TABLE practice_search ADD COLUMN stemmed_tsv tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple', stemmed)) STORED",
        "CREATE INDEX ix_practice_search_tsv ON practice_search USING gin (stemmed_tsv)",
        "DROP INDEX IF EXISTS ix_practice_search_fts",
    )


def downgrade() -> None:
    """Back to the expression index."""
    execute_on(
        "postgresql",
        "CREATE INDEX ix_practice_search_fts ON practice_search "
        "USING gin (to_tsvector('simple', stemmed))",
        "DROP INDEX IF EXISTS ix_practice_search_tsv",
        "ALTER TABLE practice_search DROP COLUMN stemmed_tsv",
    )
