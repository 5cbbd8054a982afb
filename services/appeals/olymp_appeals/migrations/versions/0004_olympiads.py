"""The olympiads registration announced, with their own time zone: the filing deadline is counted
in it, not in a zone the caller sends.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "olympiads",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("time_zone", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    # Olympiads created before appeals consumed OlympiadCreated: their windows were set with a
    # zone, the only one known here; registration's next word on them replaces it.
    op.execute(
        "INSERT INTO olympiads (olympiad_id, time_zone, received_at) "
        "SELECT DISTINCT ON (olympiad_id) olympiad_id, time_zone, set_at FROM appeal_windows "
        "ORDER BY olympiad_id, set_at"
    )


def downgrade() -> None:
    op.drop_table("olympiads")
