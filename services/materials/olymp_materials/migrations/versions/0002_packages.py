"""Olympiad schedules as learnt from registration, and sealed packages.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "olympiads",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("time_zone", sa.Text, nullable=False),
    )
    op.create_table(
        "olympiad_subjects",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("subject_code", sa.Text, primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
    )
    op.create_table(
        "packages",
        sa.Column("package_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
        sa.Column("subject_code", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("release_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("object_key", sa.Text, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sealed_key", sa.LargeBinary, nullable=False),
        sa.Column("sealed_password", sa.LargeBinary, nullable=True),
        sa.Column("uploaded_by", sa.Text, nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("olympiad_id", "subject_code", "kind", name="uq_packages_subject_kind"),
        sa.CheckConstraint("kind IN ('tasks', 'criteria')", name="ck_packages_kind"),
    )
    op.create_index("ix_packages_due", "packages", ["release_at"])


def downgrade() -> None:
    op.drop_table("packages")
    op.drop_table("olympiad_subjects")
    op.drop_table("olympiads")
