"""Selective re-checking (§21; seed 000 §2): the organiser's seeded samples and the works to
re-check, each with its queue claim and its blind re-check points, apart from the marks.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recheck_samples",
        sa.Column("sample_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
        sa.Column("subject_code", sa.Text, nullable=False),
        sa.Column("grade", sa.Integer, nullable=False),
        sa.Column("seed", sa.Text, nullable=False),
        sa.Column("eligible", sa.Integer, nullable=False),
        sa.Column("drawn", sa.Integer, nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("drawn_by", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(
            ["olympiad_id", "subject_code", "grade"],
            [
                "subject_grades.olympiad_id",
                "subject_grades.subject_code",
                "subject_grades.grade",
            ],
        ),
    )
    op.create_table(
        "rechecks",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("work_code", sa.Text, primary_key=True),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("sample_id", UUID(as_uuid=True), sa.ForeignKey("recheck_samples.sample_id")),
        sa.Column("requested_by", sa.Text, nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("claimed_by", sa.Text),
        sa.Column("claim_expires_at", sa.DateTime(timezone=True)),
        sa.Column("rechecked_by", sa.Text),
        sa.Column("rechecked_at", sa.DateTime(timezone=True)),
        sa.Column("task_scores", JSONB),
        sa.ForeignKeyConstraint(
            ["olympiad_id", "work_code"], ["works.olympiad_id", "works.work_code"]
        ),
    )


def downgrade() -> None:
    op.drop_table("rechecks")
    op.drop_table("recheck_samples")
