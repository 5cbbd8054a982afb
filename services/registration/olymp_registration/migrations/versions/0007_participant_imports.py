"""Each imported application file, by its content hash: the same file sent again (a retry after
a lost answer) is answered with what it imported, not refused row by row.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "participant_imports",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("participant_ids", JSONB, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("participant_imports")
