"""Scanned pages: routed to a work, kept apart as title pages, or waiting in the manual queue.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scanned_pages",
        sa.Column("page_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
        sa.Column("content_sha256", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("work_code", sa.Text),
        sa.Column("subject_code", sa.Text),
        sa.Column("sheet", sa.SmallInteger),
        sa.Column("code_read", sa.Text),
        sa.Column("object_key", sa.Text, nullable=False),
        sa.Column("content_type", sa.Text, nullable=False),
        sa.Column("station_subject", sa.Text, nullable=False),
        sa.Column("source_file", sa.Text, nullable=False),
        sa.Column("source_page", sa.Integer, nullable=False),
        sa.Column("orientation", sa.SmallInteger, nullable=False),
        sa.Column("routing_reason", sa.Text),
        sa.Column("queue_state", sa.Text, nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.Text, nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True)),
        sa.Column("resolved_by", sa.Text),
        sa.Column("retain_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retention_mode", sa.Text, nullable=False),
        sa.UniqueConstraint("olympiad_id", "content_sha256", name="scanned_pages_once"),
        sa.CheckConstraint("kind IN ('answer', 'title')", name="scanned_pages_kind"),
        sa.CheckConstraint(
            "queue_state IN ('none', 'pending', 'resolved')", name="scanned_pages_queue_state"
        ),
    )
    op.create_index("scanned_pages_by_work", "scanned_pages", ["olympiad_id", "work_code"])
    op.create_index("scanned_pages_by_queue", "scanned_pages", ["olympiad_id", "queue_state"])


def downgrade() -> None:
    op.drop_index("scanned_pages_by_queue", table_name="scanned_pages")
    op.drop_index("scanned_pages_by_work", table_name="scanned_pages")
    op.drop_table("scanned_pages")
