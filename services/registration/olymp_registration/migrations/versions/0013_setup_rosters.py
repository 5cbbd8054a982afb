"""The olympiad's set-up: each round's briefing (§32), and the members of the jury (§21), the
appeal commission (§102) and the orgcommittee with the conflicts of interest they declared.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "round_briefings",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("subject_code", sa.Text, primary_key=True),
        sa.Column("round_code", sa.Text, primary_key=True),
        sa.Column("briefing_at", sa.Time, nullable=False),
        sa.ForeignKeyConstraint(
            ["olympiad_id", "subject_code", "round_code"],
            [
                "olympiad_rounds.olympiad_id",
                "olympiad_rounds.subject_code",
                "olympiad_rounds.round_code",
            ],
        ),
    )
    op.create_table(
        "commission_members",
        sa.Column("member_id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "olympiad_id",
            UUID(as_uuid=True),
            sa.ForeignKey("olympiads.olympiad_id"),
            nullable=False,
        ),
        sa.Column("commission", sa.Text, nullable=False),
        sa.Column("subject_code", sa.Text),
        sa.Column("position", sa.Text, nullable=False),
        sa.Column("surname", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("patronymic", sa.Text, nullable=False),
        sa.Column("login", sa.Text, nullable=False),
        sa.Column("conflicts", JSONB, nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.Text, nullable=False),
    )
    op.create_index(
        "commission_members_by_olympiad",
        "commission_members",
        ["olympiad_id", "commission", "subject_code"],
    )


def downgrade() -> None:
    op.drop_table("commission_members")
    op.drop_table("round_briefings")
