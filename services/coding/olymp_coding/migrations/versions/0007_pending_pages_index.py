"""The pages waiting in the manual queue, indexed on their own: the queue's gauge reads them at
every scrape without touching the pages already settled.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "CREATE INDEX IF NOT EXISTS scanned_pages_pending "
        "ON scanned_pages (station_subject, uploaded_at) WHERE queue_state = 'pending'"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS scanned_pages_pending")
