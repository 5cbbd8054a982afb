"""Room video: open resumable uploads, the index of recordings and retention per olympiad.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "video_uploads",
        sa.Column("upload_id", sa.Text, primary_key=True),
        sa.Column(
            "olympiad_id",
            UUID(as_uuid=True),
            sa.ForeignKey("olympiads.olympiad_id"),
            nullable=False,
        ),
        sa.Column("venue", sa.Text, nullable=False),
        sa.Column("room", sa.Text, nullable=False),
        sa.Column("camera", sa.Text, nullable=False),
        sa.Column("subject_code", sa.Text, nullable=False),
        sa.Column("round_code", sa.Text, nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("part_size", sa.BigInteger, nullable=False),
        sa.Column("object_key", sa.Text, nullable=False),
        sa.Column("claimed_start", sa.DateTime(timezone=True)),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False, server_default=""),
        sa.Column("started_by", sa.Text, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "recordings",
        sa.Column("recording_id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "olympiad_id",
            UUID(as_uuid=True),
            sa.ForeignKey("olympiads.olympiad_id"),
            nullable=False,
        ),
        sa.Column("venue", sa.Text, nullable=False),
        sa.Column("room", sa.Text, nullable=False),
        sa.Column("camera", sa.Text, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("subject_code", sa.Text, nullable=False),
        sa.Column("round_code", sa.Text, nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("start_source", sa.Text, nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("media", JSONB, nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("uploaded_by", sa.Text, nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("object_key", sa.Text, nullable=False),
        sa.Column("flags", JSONB, nullable=False),
        sa.Column("round_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("olympiad_id", "sha256", name="recordings_once"),
        sa.Index("recordings_by_room", "olympiad_id", "venue", "subject_code", "room"),
        sa.Index("recordings_by_expiry", "expires_at"),
    )
    op.create_table(
        "video_retention",
        sa.Column(
            "olympiad_id",
            UUID(as_uuid=True),
            sa.ForeignKey("olympiads.olympiad_id"),
            primary_key=True,
        ),
        sa.Column("days", sa.Integer, nullable=False),
        sa.Column("set_by", sa.Text, nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("video_retention")
    op.drop_table("recordings")
    op.drop_table("video_uploads")
