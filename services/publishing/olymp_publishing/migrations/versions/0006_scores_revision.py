"""Each stored score remembers which of scoring's statements it came from (§119).

A later announcement (an annulment after the preliminary table) replaces the scores it covers;
a message that arrives late with a lower revision changes nothing.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "scored_works", sa.Column("revision", sa.Integer, nullable=False, server_default="0")
    )


def downgrade() -> None:
    op.drop_column("scored_works", "revision")
