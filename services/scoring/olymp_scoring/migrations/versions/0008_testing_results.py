"""The testing system's results (§43, §67): informatics works take imported points, not marks.

A work knows from its coding whether the testing system checks it; its imported points are kept
beside the jury's (never as marks), and each file that changed a grade's points is recorded.
Informatics works coded before this revision and not yet marked by anyone become works awaiting
the system's results, as they would be if coded now.

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
    op.add_column(
        "works",
        sa.Column("checked_automatically", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.add_column("works", sa.Column("imported_scores", JSONB))
    op.create_table(
        "result_imports",
        sa.Column("import_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
        sa.Column("subject_code", sa.Text, nullable=False),
        sa.Column("grade", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("file_format", sa.Text, nullable=False),
        sa.Column("file_name", sa.Text, nullable=False, server_default=""),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("changed", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(
            ["olympiad_id", "subject_code", "grade"],
            [
                "subject_grades.olympiad_id",
                "subject_grades.subject_code",
                "subject_grades.grade",
            ],
        ),
    )
    op.create_index(
        "result_imports_by_subject_grade",
        "result_imports",
        ["olympiad_id", "subject_code", "grade"],
    )
    op.execute(
        """
        UPDATE works SET checked_automatically = true, status = 'awaiting_results'
        WHERE subject_code = 'informatics' AND status = 'awaiting_marks'
          AND NOT EXISTS (
            SELECT 1 FROM marks
            WHERE marks.olympiad_id = works.olympiad_id AND marks.work_code = works.work_code
          )
        """
    )


def downgrade() -> None:
    op.execute("UPDATE works SET status = 'awaiting_marks' WHERE status = 'awaiting_results'")
    op.drop_index("result_imports_by_subject_grade", table_name="result_imports")
    op.drop_table("result_imports")
    op.drop_column("works", "imported_scores")
    op.drop_column("works", "checked_automatically")
