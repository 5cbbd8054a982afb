"""The venue where a day's attendance was marked: removal is decided by whoever runs that venue.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: marks made before this revision, and by callers not tied to a venue, have none.
    op.add_column("day_marks", sa.Column("venue", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("day_marks", "venue")
