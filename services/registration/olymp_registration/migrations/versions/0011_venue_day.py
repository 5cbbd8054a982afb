"""The venue's day (§36–37, §53, §141): each participant's date of birth from the application,
the identity documents recorded at the entrance, the removal act's number, room and
signatories, and the works counted per room after the round.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable or defaulted: applications, marks and acts made before carry none of these.
    op.add_column("participants", sa.Column("birth_date", sa.Date))
    op.add_column("day_marks", sa.Column("documents", JSONB, nullable=False, server_default="[]"))
    op.add_column("removals", sa.Column("act_number", sa.Integer))
    op.add_column("removals", sa.Column("venue", sa.Text))
    op.add_column("removals", sa.Column("room", sa.Text))
    op.add_column("removals", sa.Column("signatories", JSONB, nullable=False, server_default="[]"))
    op.create_table(
        "works_handed",
        sa.Column(
            "olympiad_id",
            UUID(as_uuid=True),
            sa.ForeignKey("olympiads.olympiad_id"),
            primary_key=True,
        ),
        sa.Column("subject_code", sa.Text, primary_key=True),
        sa.Column("venue", sa.Text, primary_key=True),
        sa.Column("room", sa.Text, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("works", sa.Integer, nullable=False),
        sa.Column("present", sa.Integer, nullable=False),
        sa.Column("explanation", sa.Text, nullable=False, server_default=""),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counted_by", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("works_handed")
    for column in ("signatories", "room", "venue", "act_number"):
        op.drop_column("removals", column)
    op.drop_column("day_marks", "documents")
    op.drop_column("participants", "birth_date")
