"""The venue the application assigns a participant to: a venue coordinator marks only their own.

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
    # Nullable: applications imported before, and those without the column, assign no venue.
    op.add_column("participants", sa.Column("venue", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("participants", "venue")
