"""The subject's analysis of tasks and show of works: when, where, online (§82–89, §97).

The appeal window keeps its deadline (§96) and gains the schedule it is counted from and the
instant filing opens (the show's start). Windows set before this have neither: filing is open
until their deadline as before.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("appeal_windows", sa.Column("opens_at", sa.DateTime(timezone=True)))
    op.add_column("appeal_windows", sa.Column("schedule", JSONB))


def downgrade() -> None:
    op.drop_column("appeal_windows", "schedule")
    op.drop_column("appeal_windows", "opens_at")
