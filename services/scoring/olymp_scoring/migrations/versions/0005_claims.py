"""The marking queue: a claim holds one work for one jury member until it expires.

The server, not the jury member, chooses the next work to mark; a claim keeps the hands on a work
within §69 (two members) and §73 (one third member for the disputed tasks) while they mark it.
Expired rows simply stop counting and are deleted when their work is next touched.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("work_code", sa.Text, primary_key=True),
        sa.Column("jury_member_id", sa.Text, primary_key=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True)),
        sa.ForeignKeyConstraint(
            ["olympiad_id", "work_code"], ["works.olympiad_id", "works.work_code"]
        ),
    )
    op.create_index("claims_by_member", "claims", ["olympiad_id", "jury_member_id"])


def downgrade() -> None:
    op.drop_index("claims_by_member", table_name="claims")
    op.drop_table("claims")
