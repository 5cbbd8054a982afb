"""Attendance, the sealed code↔participant table of works, and decodings.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attendance",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("participant_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("subject_code", sa.Text, primary_key=True),
        sa.Column("attendance", sa.Text, nullable=False),
        sa.Column("task_grade", sa.SmallInteger),
        sa.Column("removal_reason", sa.Text),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "works",
        sa.Column("work_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
        sa.Column("participant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("subject_code", sa.Text, nullable=False),
        sa.Column("task_grade", sa.SmallInteger, nullable=False),
        sa.Column("work_code", sa.Text, nullable=False),
        sa.Column("coded", sa.Boolean, nullable=False),
        sa.Column("check_state", sa.Text, nullable=False, server_default="unchecked"),
        sa.Column("coded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
        sa.Column("withdrawal_reason", sa.Text),
        sa.UniqueConstraint(
            "olympiad_id", "participant_id", "subject_code", name="works_one_per_entry"
        ),
        sa.UniqueConstraint("olympiad_id", "work_code", name="works_code_unique"),
    )
    op.create_index(
        "works_by_subject_grade", "works", ["olympiad_id", "subject_code", "task_grade"]
    )
    op.create_table(
        "decodings",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("subject_code", sa.Text, primary_key=True),
        sa.Column("grade", sa.SmallInteger, primary_key=True),
        sa.Column("decoded_count", sa.Integer, nullable=False),
        sa.Column("decoded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decoded_by", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("decodings")
    op.drop_index("works_by_subject_grade", table_name="works")
    op.drop_table("works")
    op.drop_table("attendance")
