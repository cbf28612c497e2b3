"""Visible grants get feed positions of their own; grants remember whether they were public.

Revision 00e4d40e87e0, after 4eda3cf1a7c1 (2026-12-04). Restricted grants used to take positions
from the feed's one counter, so the gaps a portal saw counted them. They now take positions from
a second counter far above the feed's range (``HIDDEN_BASE``), which no feed page reaches.
``ever_public`` decides whether a public-only portal gets a tombstone; grants that were visible
before this revision are taken as once public, so a portal holding a copy still gets one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "00e4d40e87e0", "4eda3cf1a7c1"
branch_labels, depends_on = None, None

#: The first position of the hidden range (the value models.HIDDEN_BASE has in this revision).
HIDDEN_BASE = 2**62


def upgrade() -> None:
    """Add ``grants.ever_public`` and the ``hidden`` feed counter."""
    with op.batch_alter_table("grants") as batch:
        batch.add_column(
            sa.Column("ever_public", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(sa.text("UPDATE grants SET ever_public = ever_visible"))
    counter = sa.table(
        "feed_counter", sa.column("name", sa.String), sa.column("value", sa.BigInteger)
    )
    op.bulk_insert(counter, [{"name": "hidden", "value": HIDDEN_BASE}])


def downgrade() -> None:
    """Drop them again."""
    op.execute(sa.text("DELETE FROM feed_counter WHERE name = 'hidden'"))
    with op.batch_alter_table("grants") as batch:
        batch.drop_column("ever_public")
