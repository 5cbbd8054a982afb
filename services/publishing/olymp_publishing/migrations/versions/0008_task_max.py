"""Each task's maximum, as scoring states it with the checked works: the analytic report
(App. 13) gives each task's mean as a share of it and counts the full marks.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # null until scoring's next statement of the subject and grade: the report then says so
    op.add_column("subject_grades", sa.Column("task_max", JSONB))


def downgrade() -> None:
    op.drop_column("subject_grades", "task_max")
