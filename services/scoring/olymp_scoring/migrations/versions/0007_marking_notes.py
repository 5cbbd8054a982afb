"""A jury member's comment and annotations on a work, kept with that member's marks.

Annotations are data (kind, page, page-relative place), read with the rounds by the third member
and the chair; one row per member and work, as the marks are (§69: a member marks a work once).

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
        "marking_notes",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("work_code", sa.Text, primary_key=True),
        sa.Column("jury_member_id", sa.Text, primary_key=True),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("annotations", JSONB, nullable=False, server_default="[]"),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["olympiad_id", "work_code"], ["works.olympiad_id", "works.work_code"]
        ),
    )


def downgrade() -> None:
    op.drop_table("marking_notes")
