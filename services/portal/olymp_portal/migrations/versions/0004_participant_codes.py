"""Participants' personal access codes (§91, §98): the hash of each code issued, whose it is, who
issued it and when, and when it was revoked.

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
        "participant_codes",
        sa.Column("code_hash", sa.Text, primary_key=True),
        sa.Column(
            "login",
            sa.Text,
            sa.ForeignKey("accounts.login", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
        sa.Column("participant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.Text, nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    op.create_index(
        "participant_codes_by_participant", "participant_codes", ["olympiad_id", "participant_id"]
    )
    op.create_index("participant_codes_by_login", "participant_codes", ["login"])


def downgrade() -> None:
    op.drop_table("participant_codes")
