"""When each subject's last round ends: the criteria reach participants only after it (§24, §91),
and the oral round of German and French comes on a later day (§60).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # subjects learnt before this revision keep NULL: their participants wait for the criteria
    # until registration announces the subject's schedule again
    op.add_column(
        "olympiad_subjects",
        sa.Column("last_round_ends_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("olympiad_subjects", "last_round_ends_at")
