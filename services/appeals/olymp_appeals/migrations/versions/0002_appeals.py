"""Appeal windows, commissions, appealable works, appeals and the commission's votes.

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
        "appeal_windows",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("subject_code", sa.Text, primary_key=True),
        sa.Column("analysis_and_show_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("time_zone", sa.Text, nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "commissions",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("subject_code", sa.Text, primary_key=True),
        sa.Column("members", JSONB, nullable=False),
        sa.Column("chair", sa.Text, nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "works",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("subject_code", sa.Text, primary_key=True),
        sa.Column("work_code", sa.Text, primary_key=True),
        sa.Column("grade", sa.Integer, nullable=False),
        sa.Column("participant_id", UUID(as_uuid=True)),
        sa.Column("task_scores", JSONB),
        sa.Column("task_max", JSONB),
        sa.Column("annulled", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index(
        "works_by_participant", "works", ["olympiad_id", "subject_code", "participant_id"]
    )
    op.create_table(
        "appeals",
        sa.Column("appeal_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
        sa.Column("subject_code", sa.Text, nullable=False),
        sa.Column("grade", sa.Integer, nullable=False),
        sa.Column("participant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("work_code", sa.Text, nullable=False),
        sa.Column("task_numbers", JSONB, nullable=False),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("review_without_participant", sa.Boolean, nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sa.Text, nullable=False),
        sa.Column("attendance", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text),
        sa.Column("new_task_scores", JSONB),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by", sa.Text),
        sa.UniqueConstraint("olympiad_id", "subject_code", "participant_id"),
    )
    op.create_table(
        "appeal_votes",
        sa.Column(
            "appeal_id", UUID(as_uuid=True), sa.ForeignKey("appeals.appeal_id"), primary_key=True
        ),
        sa.Column("member_id", sa.Text, primary_key=True),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("new_task_scores", JSONB, nullable=False),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("appeal_votes", "appeals", "works", "commissions", "appeal_windows"):
        op.drop_table(table)
