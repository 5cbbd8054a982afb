"""Participants' dates of birth: the results handed to the regional organiser carry them (§21).

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # null when the application gave none (and for participants registered before)
    op.add_column("participants", sa.Column("birth_date", sa.Date))


def downgrade() -> None:
    op.drop_column("participants", "birth_date")
