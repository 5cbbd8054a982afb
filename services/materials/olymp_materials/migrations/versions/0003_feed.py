"""The hub/mirror feed: equipment lists, manifests, the feed log, cursors and deliveries.

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
    op.alter_column("packages", "sealed_key", nullable=True)
    op.drop_constraint("ck_packages_kind", "packages", type_="check")
    op.create_check_constraint(
        "ck_packages_kind", "packages", "kind IN ('tasks', 'criteria', 'equipment')"
    )
    op.add_column("packages", sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    op.add_column("packages", sa.Column("ciphertext_sha256", sa.Text, nullable=True))
    op.add_column("packages", sa.Column("manifest", sa.LargeBinary, nullable=True))
    op.add_column("packages", sa.Column("manifest_signature", sa.LargeBinary, nullable=True))
    op.add_column(
        "packages", sa.Column("key_received_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_table(
        "feed",
        sa.Column("sequence", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("package_id", UUID(as_uuid=True), nullable=False),
        sa.Column("event", sa.Text, nullable=False),
        sa.Column("manifest", sa.LargeBinary, nullable=True),
        sa.Column("signature", sa.LargeBinary, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("event IN ('announced', 'key_released')", name="ck_feed_event"),
    )
    # the last line of defence against a second release: one key event per package, ever
    op.create_index(
        "uq_feed_one_key_release",
        "feed",
        ["package_id"],
        unique=True,
        postgresql_where=sa.text("event = 'key_released'"),
    )
    op.create_table(
        "cursors",
        sa.Column("municipality_id", sa.Text, primary_key=True),
        sa.Column("acked_sequence", sa.BigInteger, nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "deliveries",
        sa.Column("municipality_id", sa.Text, primary_key=True),
        sa.Column("package_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("key_delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("receipt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("complete", sa.Boolean, nullable=True),
        sa.Column("missing", JSONB, nullable=False, server_default="[]"),
        sa.Column("problems", sa.Text, nullable=True),
        sa.Column("confirmed_by", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("deliveries")
    op.drop_table("cursors")
    op.drop_table("feed")
    for column in ("key_received_at", "manifest_signature", "manifest", "ciphertext_sha256"):
        op.drop_column("packages", column)
    op.drop_column("packages", "version")
