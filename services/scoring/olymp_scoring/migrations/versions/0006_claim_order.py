"""The marking queue walks an index instead of sorting the grade for every request.

Each work gets a random rank (drawn by the database when the work is inserted; existing works
draw theirs now), and the works still to be marked are indexed by subject, grade, status and rank.
A member's request for the next work walks that index from their own place and stops at the first
work open to them. `claim_cursors` keeps each member's place: the rank of the work their walk gave
them last.

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

OPEN = "status IN ('awaiting_marks', 'needs_third_mark')"


def upgrade() -> None:
    # a volatile default: every existing row draws a rank of its own as the column is added
    op.add_column(
        "works",
        sa.Column("queue_rank", sa.Float, nullable=False, server_default=sa.text("random()")),
    )
    op.create_index(
        "works_open_by_rank",
        "works",
        ["olympiad_id", "subject_code", "grade", "status", "queue_rank"],
        postgresql_where=sa.text(OPEN),
    )
    op.create_table(
        "claim_cursors",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("subject_code", sa.Text, primary_key=True),
        sa.Column("grade", sa.Integer, primary_key=True),
        sa.Column("jury_member_id", sa.Text, primary_key=True),
        sa.Column("queue_rank", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("claim_cursors")
    op.drop_index("works_open_by_rank", table_name="works")
    op.drop_column("works", "queue_rank")
