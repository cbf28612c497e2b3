"""evaluators: an account is unique per owner, not per node (revision b7e2d41c9a05).

A token is its owner and its name, so another owner's token of the same name is another account:
the node-wide constraint let one owner's evaluator block, and name, another owner's."""

from __future__ import annotations

from alembic import op

revision, down_revision = "b7e2d41c9a05", "5c90e93eb0d3"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Replace ``uq_evaluators_account`` with ``uq_evaluators_owner_account``."""
    with op.batch_alter_table("evaluators") as batch:
        batch.drop_constraint("uq_evaluators_account", type_="unique")
        batch.create_unique_constraint("uq_evaluators_owner_account", ["owner", "account"])


def downgrade() -> None:
    """Back to one account per node (fails if two owners share an account name)."""
    with op.batch_alter_table("evaluators") as batch:
        batch.drop_constraint("uq_evaluators_owner_account", type_="unique")
        batch.create_unique_constraint("uq_evaluators_account", ["account"])
