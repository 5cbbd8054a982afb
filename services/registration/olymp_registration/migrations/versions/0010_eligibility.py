"""Admission (§10) and the forms of education (§9): each participant's school-stage score and
form of education, the organiser's thresholds per subject and grade, and last year's winners and
prize-winners per subject.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable and defaulted: applications imported before gave neither.
    op.add_column("participants", sa.Column("school_stage_score", sa.Numeric(7, 2)))
    op.add_column(
        "participants",
        sa.Column("education_form", sa.Text, nullable=False, server_default="school"),
    )
    op.create_table(
        "eligibility_thresholds",
        sa.Column(
            "olympiad_id",
            UUID(as_uuid=True),
            sa.ForeignKey("olympiads.olympiad_id"),
            primary_key=True,
        ),
        sa.Column("subject_code", sa.Text, primary_key=True),
        sa.Column("grade", sa.SmallInteger, primary_key=True),
        sa.Column("min_score", sa.Numeric(7, 2), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.Text, nullable=False),
    )
    op.create_table(
        "previous_awardees",
        sa.Column(
            "olympiad_id",
            UUID(as_uuid=True),
            sa.ForeignKey("olympiads.olympiad_id"),
            primary_key=True,
        ),
        sa.Column("subject_code", sa.Text, primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("surname", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("patronymic", sa.Text, nullable=False),
        sa.Column("grade", sa.SmallInteger, nullable=False),
        sa.Column("school", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("listed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("listed_by", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("previous_awardees")
    op.drop_table("eligibility_thresholds")
    op.drop_column("participants", "education_form")
    op.drop_column("participants", "school_stage_score")
