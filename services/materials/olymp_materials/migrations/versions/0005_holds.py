"""What keeps the day running: the id of the master key beside each sealed key, and the journal of
keys sent on the feed, written before each key leaves and chained into the audit trail after.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # rows sealed before this revision keep NULL: their unseal failures cannot name the cause
    op.add_column("packages", sa.Column("sealed_with", sa.Text, nullable=True))
    # one row per group commit: the sends of one moment, as parallel arrays (one insert of a few
    # arrays costs far less than thousands of rows, and it is on the path of the key at 08:00)
    op.create_table(
        "key_sends",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actors", ARRAY(sa.Text), nullable=False),
        sa.Column("municipality_ids", ARRAY(sa.Text), nullable=False),
        sa.Column("package_ids", ARRAY(UUID(as_uuid=True)), nullable=False),
        sa.Column("sequences", ARRAY(sa.BigInteger), nullable=False),
        # how many of them are already in the audit trail (chained a slice per transaction)
        sa.Column("chained", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("key_sends")
    op.drop_column("packages", "sealed_with")
