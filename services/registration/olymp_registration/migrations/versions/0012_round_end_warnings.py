"""When each round's rooms are warned of its end: 30 and 5 minutes before (§44) or 15 and 5
(§133), as the organiser chooses; rounds set up before keep §44's.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "olympiad_rounds",
        sa.Column("end_warnings", sa.Text, nullable=False, server_default="30-5"),
    )


def downgrade() -> None:
    op.drop_column("olympiad_rounds", "end_warnings")
