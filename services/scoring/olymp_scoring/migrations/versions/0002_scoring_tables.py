"""Subject grades (criteria, announcement guard), works, marks, early withdrawals.

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
        "subject_grades",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("subject_code", sa.Text, primary_key=True),
        sa.Column("grade", sa.Integer, primary_key=True),
        sa.Column("scheme", JSONB),
        sa.Column("checked_version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("announced_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "works",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("work_code", sa.Text, primary_key=True),
        sa.Column("subject_code", sa.Text, nullable=False),
        sa.Column("grade", sa.Integer, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("annulment_reason", sa.Text),
        sa.Column("appealed_scores", JSONB),
        sa.Column("coded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["olympiad_id", "subject_code", "grade"],
            [
                "subject_grades.olympiad_id",
                "subject_grades.subject_code",
                "subject_grades.grade",
            ],
        ),
    )
    op.create_index("works_by_subject_grade", "works", ["olympiad_id", "subject_code", "grade"])
    op.create_table(
        "marks",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
        sa.Column("work_code", sa.Text, nullable=False),
        sa.Column("jury_member_id", sa.Text, nullable=False),
        sa.Column("task_number", sa.Integer, nullable=False),
        sa.Column("points", sa.Numeric, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["olympiad_id", "work_code"], ["works.olympiad_id", "works.work_code"]
        ),
        sa.UniqueConstraint(
            "olympiad_id", "work_code", "jury_member_id", "task_number", name="one_mark_per_task"
        ),
    )
    op.create_table(
        "early_withdrawals",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("work_code", sa.Text, primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("early_withdrawals")
    op.drop_table("marks")
    op.drop_index("works_by_subject_grade", table_name="works")
    op.drop_table("works")
    op.drop_table("subject_grades")
