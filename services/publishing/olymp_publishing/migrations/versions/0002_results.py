"""Publishing's own copies of participants, decoding and scores; quota policy, chair decisions and
the immutable published versions of the rating tables.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = ("olympiad_id", "subject_code", "grade")


def _key_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
        sa.Column("subject_code", sa.String(64), nullable=False),
        sa.Column("grade", sa.Integer, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "participants",
        sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
        sa.Column("subject_code", sa.String(64), nullable=False),
        sa.Column("participant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("surname", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("patronymic", sa.Text, nullable=False),
        sa.Column("grade", sa.Integer, nullable=False),
        sa.Column("task_grade", sa.Integer, nullable=False),
        sa.Column("school", sa.Text, nullable=False),
        sa.Column("consent_to_publish", sa.Boolean, nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("olympiad_id", "subject_code", "participant_id"),
    )
    op.create_table(
        "subject_grades",
        *_key_columns(),
        sa.Column("decoded_at", sa.DateTime(timezone=True)),
        sa.Column("checked_at", sa.DateTime(timezone=True)),
        sa.Column("max_total", sa.Numeric(10, 2)),
        sa.PrimaryKeyConstraint(*_KEY),
    )
    op.create_table(
        "decoded_works",
        *_key_columns(),
        sa.Column("work_code", sa.String(64), nullable=False),
        sa.Column("participant_id", UUID(as_uuid=True), nullable=False),
        sa.PrimaryKeyConstraint(*_KEY, "work_code"),
    )
    op.create_table(
        "scored_works",
        *_key_columns(),
        sa.Column("work_code", sa.String(64), nullable=False),
        sa.Column("total", sa.Numeric(10, 2)),
        sa.Column("annulled", sa.Boolean, nullable=False),
        sa.Column("annulment_reason", sa.Text),
        sa.Column("task_scores", JSONB, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(*_KEY, "work_code"),
    )
    op.create_table(
        "quota_policies",
        sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("policy", JSONB, nullable=False),
        sa.Column("set_by", sa.Text, nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "chair_decisions",
        *_key_columns(),
        sa.Column("total", sa.Numeric(10, 2), nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("decided_by", sa.Text, nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(*_KEY, "total"),
    )
    op.create_table(
        "result_versions",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        *_key_columns(),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("document", JSONB, nullable=False),
        sa.Column("protocol", JSONB, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(*_KEY, "version"),
        sa.CheckConstraint("stage IN ('preliminary', 'final')", name="result_versions_stage"),
    )
    # A published version is a public record: a new one is added, an old one is never rewritten.
    op.execute(
        """
        CREATE FUNCTION result_versions_immutable() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'result_versions is append-only: publish a new version instead';
        END
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        """
        CREATE TRIGGER result_versions_no_rewrite
        BEFORE UPDATE OR DELETE ON result_versions
        FOR EACH ROW EXECUTE FUNCTION result_versions_immutable()
        """
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER result_versions_no_rewrite ON result_versions")
    op.execute("DROP FUNCTION result_versions_immutable()")
    for table in (
        "result_versions",
        "chair_decisions",
        "quota_policies",
        "scored_works",
        "decoded_works",
        "subject_grades",
        "participants",
    ):
        op.drop_table(table)
