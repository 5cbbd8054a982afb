"""The outbox and inbox tables that every service's database carries."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

events_metadata = sa.MetaData()

outbox = sa.Table(
    "outbox",
    events_metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("message_id", UUID(as_uuid=True), nullable=False, unique=True),
    sa.Column("exchange", sa.Text, nullable=False),
    sa.Column("routing_key", sa.Text, nullable=False),
    sa.Column("payload", JSONB, nullable=False),
    sa.Column("headers", JSONB, nullable=False, server_default="{}"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("published_at", sa.DateTime(timezone=True)),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    # a row the broker refused (returned, nacked) is retried at this instant, not before
    sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
    sa.Index("outbox_unpublished", "id", postgresql_where=sa.text("published_at IS NULL")),
)

inbox = sa.Table(
    "inbox",
    events_metadata,
    sa.Column("consumer", sa.Text, primary_key=True),
    sa.Column("message_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("routing_key", sa.Text, nullable=False),
    sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
)


def add_outbox_retry_column(op: Any) -> None:
    """Revision body adding `outbox.next_attempt_at` (the per-row retry of the relay).

    The first revision of every service creates the core tables from the current metadata, so a
    database created after this column was declared has it already: hence IF NOT EXISTS.
    """
    op.execute(
        "ALTER TABLE outbox ADD COLUMN IF NOT EXISTS next_attempt_at TIMESTAMP WITH TIME ZONE"
    )


def drop_outbox_retry_column(op: Any) -> None:
    op.execute("ALTER TABLE outbox DROP COLUMN IF EXISTS next_attempt_at")
