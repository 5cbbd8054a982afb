"""Olympiads with their schedule and venues, participants, day marks and removals.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "olympiads",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("school_year", sa.Text, nullable=False),
        sa.Column("time_zone", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
    )
    op.create_table(
        "olympiad_rounds",
        sa.Column(
            "olympiad_id",
            UUID(as_uuid=True),
            sa.ForeignKey("olympiads.olympiad_id"),
            primary_key=True,
        ),
        sa.Column("subject_code", sa.Text, primary_key=True),
        sa.Column("round_code", sa.Text, primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("starts_at", sa.Time, nullable=False),
        sa.Column("ends_at", sa.Time, nullable=False),
    )
    op.create_table(
        "venues",
        sa.Column(
            "olympiad_id",
            UUID(as_uuid=True),
            sa.ForeignKey("olympiads.olympiad_id"),
            primary_key=True,
        ),
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("address", sa.Text, nullable=False, server_default=""),
        sa.Column("rooms", JSONB, nullable=False),
    )
    op.create_table(
        "participants",
        sa.Column("participant_id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "olympiad_id",
            UUID(as_uuid=True),
            sa.ForeignKey("olympiads.olympiad_id"),
            nullable=False,
        ),
        sa.Column("subject_code", sa.Text, nullable=False),
        sa.Column("surname", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("patronymic", sa.Text, nullable=False),
        sa.Column("grade", sa.SmallInteger, nullable=False),
        sa.Column("task_grade", sa.SmallInteger, nullable=False),
        sa.Column("school", sa.Text, nullable=False),
        sa.Column("eligibility", sa.Text, nullable=False),
        sa.Column("consent_to_publish", sa.Boolean, nullable=False),
        sa.Column("special_conditions", sa.Text, nullable=False),
        sa.Column("person_key", sa.Text, nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sa.Text, nullable=False),
        sa.UniqueConstraint("olympiad_id", "subject_code", "person_key", name="participants_once"),
    )
    op.create_index("participants_by_subject", "participants", ["olympiad_id", "subject_code"])
    op.create_table(
        "day_marks",
        sa.Column(
            "participant_id",
            UUID(as_uuid=True),
            sa.ForeignKey("participants.participant_id"),
            primary_key=True,
        ),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("attendance", sa.Text, nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("marked_by", sa.Text, nullable=False),
    )
    op.create_table(
        "removals",
        sa.Column(
            "participant_id",
            UUID(as_uuid=True),
            sa.ForeignKey("participants.participant_id"),
            primary_key=True,
        ),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_by", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "removals",
        "day_marks",
        "participants",
        "venues",
        "olympiad_rounds",
        "olympiads",
    ):
        op.drop_table(table)
