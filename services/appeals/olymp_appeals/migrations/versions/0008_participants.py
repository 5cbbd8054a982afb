"""Participants as registration announced them: the appeal protocol (App. 9) names the person.

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
        "participants",
        sa.Column("participant_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
        sa.Column("surname", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("patronymic", sa.Text, nullable=False),
        sa.Column("grade", sa.Integer, nullable=False),
        sa.Column("school", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("participants")
