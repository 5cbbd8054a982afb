"""Public observers (§18–19): accreditations, assignments to procedures, violation reports and
their attachments (the files are in the object store).

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "observers",
        sa.Column("observer_id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "olympiad_id",
            UUID(as_uuid=True),
            sa.ForeignKey("olympiads.olympiad_id"),
            nullable=False,
        ),
        sa.Column("full_name", sa.Text, nullable=False),
        sa.Column("identity_document", sa.Text, nullable=False),
        sa.Column("certificate_number", sa.Text, nullable=False),
        sa.Column("certificate_date", sa.Date, nullable=False),
        sa.Column("login", sa.Text, nullable=False),
        sa.Column("accredited_by", sa.Text, nullable=False),
        sa.Column("accredited_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("olympiad_id", "login", name="observers_one_login"),
        sa.UniqueConstraint("olympiad_id", "certificate_number", name="observers_one_certificate"),
    )
    op.create_index("observers_by_login", "observers", ["login"])
    op.create_table(
        "observer_assignments",
        sa.Column("assignment_id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "observer_id",
            UUID(as_uuid=True),
            sa.ForeignKey("observers.observer_id"),
            nullable=False,
        ),
        sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
        sa.Column("procedure", sa.Text, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("venue", sa.Text, nullable=False),
        sa.Column("subject_code", sa.Text, nullable=False),
        sa.Column("assigned_by", sa.Text, nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "observer_id",
            "procedure",
            "day",
            "venue",
            "subject_code",
            name="observer_assignments_once",
        ),
    )
    op.create_index(
        "observer_assignments_by_olympiad", "observer_assignments", ["olympiad_id", "day"]
    )
    op.create_table(
        "violation_reports",
        sa.Column("report_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
        sa.Column(
            "assignment_id",
            UUID(as_uuid=True),
            sa.ForeignKey("observer_assignments.assignment_id"),
            nullable=False,
        ),
        sa.Column(
            "observer_id",
            UUID(as_uuid=True),
            sa.ForeignKey("observers.observer_id"),
            nullable=False,
        ),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.Text),
        sa.Column("decision", sa.Text),
        sa.Column("decided_by", sa.Text),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
    )
    op.create_index(
        "violation_reports_by_olympiad", "violation_reports", ["olympiad_id", "filed_at"]
    )
    op.create_table(
        "violation_report_attachments",
        sa.Column("attachment_id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "report_id",
            UUID(as_uuid=True),
            sa.ForeignKey("violation_reports.report_id"),
            nullable=False,
        ),
        sa.Column("position", sa.SmallInteger, nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("content_type", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("object_key", sa.Text, nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("report_id", "position", name="violation_report_attachments_in_order"),
    )


def downgrade() -> None:
    op.drop_table("violation_report_attachments")
    op.drop_table("violation_reports")
    op.drop_table("observer_assignments")
    op.drop_table("observers")
