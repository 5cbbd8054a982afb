"""The publishing service's tables (its own database; no other service reads them).

Publishing keeps its own copy of what it needs from other services (personal data and consent,
the decoded code -> participant mapping, scores) so that it can rebuild any table on its own.
Published tables live in `result_versions`: one row per version, inserted once and never updated
(a trigger in the migration refuses UPDATE and DELETE).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = sa.MetaData()

participants = sa.Table(
    "participants",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.String(64), primary_key=True),
    sa.Column("participant_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("surname", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("patronymic", sa.Text, nullable=False),
    sa.Column("grade", sa.Integer, nullable=False),
    sa.Column("task_grade", sa.Integer, nullable=False),
    sa.Column("school", sa.Text, nullable=False),
    sa.Column("consent_to_publish", sa.Boolean, nullable=False),
    sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
    # handed to the regional organiser only (§21), never published; null when not given
    sa.Column("birth_date", sa.Date),
)

subject_grades = sa.Table(
    "subject_grades",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.String(64), primary_key=True),
    sa.Column("grade", sa.Integer, primary_key=True),
    sa.Column("decoded_at", sa.DateTime(timezone=True)),
    sa.Column("checked_at", sa.DateTime(timezone=True)),
    sa.Column("max_total", sa.Numeric(10, 2)),
    # task -> its maximum as decimal text (scoring's statement); null until one states it
    sa.Column("task_max", JSONB),
)

decoded_works = sa.Table(
    "decoded_works",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.String(64), primary_key=True),
    sa.Column("grade", sa.Integer, primary_key=True),
    sa.Column("work_code", sa.String(64), primary_key=True),
    sa.Column("participant_id", UUID(as_uuid=True), nullable=False),
)

scored_works = sa.Table(
    "scored_works",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.String(64), primary_key=True),
    sa.Column("grade", sa.Integer, primary_key=True),
    sa.Column("work_code", sa.String(64), primary_key=True),
    sa.Column("total", sa.Numeric(10, 2)),
    sa.Column("annulled", sa.Boolean, nullable=False),
    sa.Column("annulment_reason", sa.Text),
    sa.Column("task_scores", JSONB, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # scoring's revision of the statement these scores came from: the highest one stands
    sa.Column("revision", sa.Integer, nullable=False, server_default="0"),
)

# §121: the jury chair's submission of the final table, waiting for the organiser's approval
# (removed when the approval publishes the final version)
final_submissions = sa.Table(
    "final_submissions",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.String(64), primary_key=True),
    sa.Column("grade", sa.Integer, primary_key=True),
    sa.Column("submitted_by", sa.Text, nullable=False),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
)

# What the appeals service last said of a subject (AppealsState, highest revision kept)
appeal_states = sa.Table(
    "appeal_states",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.String(64), primary_key=True),
    sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
    sa.Column("undecided_by_grade", JSONB, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)

# When each subject's last round ended (OlympiadCreated): the start of §121's 21 days
subject_rounds = sa.Table(
    "subject_rounds",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.String(64), primary_key=True),
    sa.Column("last_round_ends_at", sa.DateTime(timezone=True), nullable=False),
)

quota_policies = sa.Table(
    "quota_policies",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("policy", JSONB, nullable=False),
    sa.Column("set_by", sa.Text, nullable=False),
    sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
)

chair_decisions = sa.Table(
    "chair_decisions",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.String(64), primary_key=True),
    sa.Column("grade", sa.Integer, primary_key=True),
    sa.Column("total", sa.Numeric(10, 2), primary_key=True),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("decided_by", sa.Text, nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
)

olympiads = sa.Table(
    "olympiads",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    # None when registration sent a zone this machine does not know: pages then fall back to UTC.
    sa.Column("time_zone", sa.Text),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)

result_versions = sa.Table(
    "result_versions",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
    sa.Column("subject_code", sa.String(64), nullable=False),
    sa.Column("grade", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("stage", sa.String(16), nullable=False),
    sa.Column("document", JSONB, nullable=False),
    sa.Column("protocol", JSONB, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("olympiad_id", "subject_code", "grade", "version"),
    sa.CheckConstraint("stage IN ('preliminary', 'final')", name="result_versions_stage"),
)

# Which versions have their static files (HTML, JSON, CSV, XLSX, the table's "latest" pointers) in
# the object store. A row is inserted in the transaction that wrote them; a version without a row
# is written again by the files writer or the sweeper (the database is the truth, the files follow).
published_files = sa.Table(
    "published_files",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.String(64), primary_key=True),
    sa.Column("grade", sa.Integer, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
)

# The olympiad's index files as last written; a change the index shows (a new version, the title)
# deletes the row, and the writer writes the index again.
published_indexes = sa.Table(
    "published_indexes",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
)
