"""Each subject's last round end in a table of its own, which a mirror fills too: from its
municipality's own registration, while its packages come from the hub's feed (§24, §60).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "round_ends",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("subject_code", sa.Text, primary_key=True),
        sa.Column("last_round_ends_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(
        "INSERT INTO round_ends (olympiad_id, subject_code, last_round_ends_at) "
        "SELECT olympiad_id, subject_code, last_round_ends_at FROM olympiad_subjects "
        "WHERE last_round_ends_at IS NOT NULL"
    )
    op.drop_column("olympiad_subjects", "last_round_ends_at")


def downgrade() -> None:
    op.add_column(
        "olympiad_subjects",
        sa.Column("last_round_ends_at", sa.DateTime(timezone=True), nullable=True),
    )
    # an end whose subject has no day (a mirror's) has no row to go back to
    op.execute(
        "UPDATE olympiad_subjects s SET last_round_ends_at = r.last_round_ends_at "
        "FROM round_ends r "
        "WHERE r.olympiad_id = s.olympiad_id AND r.subject_code = s.subject_code"
    )
    op.drop_table("round_ends")
