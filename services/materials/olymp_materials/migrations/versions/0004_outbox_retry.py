"""The outbox's per-row retry: a row the broker refused waits for next_attempt_at, others go on.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

from olymp_core.events.tables import add_outbox_retry_column, drop_outbox_retry_column

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_outbox_retry_column(op)


def downgrade() -> None:
    drop_outbox_retry_column(op)
