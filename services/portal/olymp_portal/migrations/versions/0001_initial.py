"""The tables every service has: outbox, inbox, audit trail.

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

from alembic import op

from olymp_core.migrations import create_core_tables

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_core_tables(op)


def downgrade() -> None:
    raise RuntimeError("the first revision is not reversible: drop the database instead")
