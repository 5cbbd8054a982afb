"""Seating (§30–31): each venue's plan of rooms per subject and the participants' seats; and
applications withdrawn before the round, whose desks a reseat gives to no one.

Room layouts (rows × desks per row) live in the venues' rooms document: no column changes.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "withdrawals",
        sa.Column(
            "participant_id",
            UUID(as_uuid=True),
            sa.ForeignKey("participants.participant_id"),
            primary_key=True,
        ),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_by", sa.Text, nullable=False),
    )
    op.create_table(
        "seating_plans",
        sa.Column(
            "olympiad_id",
            UUID(as_uuid=True),
            sa.ForeignKey("olympiads.olympiad_id"),
            primary_key=True,
        ),
        sa.Column("subject_code", sa.Text, primary_key=True),
        sa.Column("venue", sa.Text, primary_key=True),
        sa.Column("rooms", JSONB, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("seated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seated_by", sa.Text, nullable=False),
        sa.Column("moved", sa.Integer, nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("released", sa.Integer, nullable=False),
    )
    op.create_table(
        "seats",
        sa.Column(
            "participant_id",
            UUID(as_uuid=True),
            sa.ForeignKey("participants.participant_id"),
            primary_key=True,
        ),
        sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
        sa.Column("subject_code", sa.Text, nullable=False),
        sa.Column("venue", sa.Text, nullable=False),
        sa.Column("room", sa.Text, nullable=False),
        sa.Column("row", sa.SmallInteger, nullable=False),
        sa.Column("desk", sa.SmallInteger, nullable=False),
        sa.ForeignKeyConstraint(
            ["olympiad_id", "subject_code", "venue"],
            ["seating_plans.olympiad_id", "seating_plans.subject_code", "seating_plans.venue"],
        ),
        sa.UniqueConstraint(
            "olympiad_id",
            "subject_code",
            "venue",
            "room",
            "row",
            "desk",
            name="seats_one_per_desk",
        ),
    )


def downgrade() -> None:
    op.drop_table("seats")
    op.drop_table("seating_plans")
    op.drop_table("withdrawals")
