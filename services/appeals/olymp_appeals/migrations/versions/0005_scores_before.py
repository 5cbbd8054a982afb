"""The work's per-task scores as the commission decided on them: a repeated decision request (its
answer lost) is answered with the same decision after scoring has applied it.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("appeals", sa.Column("scores_before", JSONB, nullable=True))


def downgrade() -> None:
    op.drop_column("appeals", "scores_before")
