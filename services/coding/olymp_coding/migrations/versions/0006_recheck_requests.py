"""Works the regional coordinator asked to re-check (§21): they may open those works' pages.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recheck_requests",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("work_code", sa.Text, primary_key=True),
        sa.Column("subject_code", sa.Text, nullable=False),
        sa.Column("requested_by", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("recheck_requests")
