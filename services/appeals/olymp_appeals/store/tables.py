"""Tables of the appeals service (its own database; no other service reads them).

Scores are kept as JSON objects of task number (a string, as scoring sends it) -> decimal string,
so half points survive exactly.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = sa.MetaData()

# What registration's OlympiadCreated said: the olympiad's own IANA zone, in which the filing
# deadline's "end of the second working day" (§96) is counted.
olympiads = sa.Table(
    "olympiads",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("title", sa.Text, nullable=False, server_default=""),
    sa.Column("time_zone", sa.Text, nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)

appeal_windows = sa.Table(
    "appeal_windows",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.Text, primary_key=True),
    sa.Column("analysis_and_show_ends_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("time_zone", sa.Text, nullable=False),
    sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
    # filing opens when the show starts; the analysis and the show as the organiser set them
    # (when, where, online link), shown on the olympiad's public page
    sa.Column("opens_at", sa.DateTime(timezone=True)),
    sa.Column("schedule", JSONB),
    sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    # numbers the AppealsState statements of the subject (handlers.common.announce_state)
    sa.Column("state_revision", sa.Integer, nullable=False, server_default="0"),
)

commissions = sa.Table(
    "commissions",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.Text, primary_key=True),
    sa.Column("members", JSONB, nullable=False),
    sa.Column("chair", sa.Text, nullable=False),
    sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
)

# A work becomes appealable once both facts arrived, in either order: its scores (scoring) and
# whose it is (coding's decoding).
works = sa.Table(
    "works",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.Text, primary_key=True),
    sa.Column("work_code", sa.Text, primary_key=True),
    sa.Column("grade", sa.Integer, nullable=False),
    sa.Column("participant_id", UUID(as_uuid=True)),
    sa.Column("task_scores", JSONB),
    sa.Column("task_max", JSONB),
    sa.Column("annulled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("works_by_participant", "olympiad_id", "subject_code", "participant_id"),
)

appeals = sa.Table(
    "appeals",
    metadata,
    sa.Column("appeal_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
    sa.Column("subject_code", sa.Text, nullable=False),
    sa.Column("grade", sa.Integer, nullable=False),
    sa.Column("participant_id", UUID(as_uuid=True), nullable=False),
    sa.Column("work_code", sa.Text, nullable=False),
    sa.Column("task_numbers", JSONB, nullable=False),
    sa.Column("statement", sa.Text, nullable=False),
    sa.Column("review_without_participant", sa.Boolean, nullable=False),
    sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
    sa.Column("registered_by", sa.Text, nullable=False),
    sa.Column("attendance", sa.Text),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("outcome", sa.Text),
    sa.Column("new_task_scores", JSONB),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
    sa.Column("decided_by", sa.Text),
    # the work's scores the decision was taken on (decided appeals only; null before 0005)
    sa.Column("scores_before", JSONB),
    sa.UniqueConstraint("olympiad_id", "subject_code", "participant_id"),
)

appeal_votes = sa.Table(
    "appeal_votes",
    metadata,
    sa.Column(
        "appeal_id", UUID(as_uuid=True), sa.ForeignKey("appeals.appeal_id"), primary_key=True
    ),
    sa.Column("member_id", sa.Text, primary_key=True),
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("new_task_scores", JSONB, nullable=False),
    sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
)

# Who a participant is, as registration announced them (ParticipantRegistered): the appeal
# protocol (App. 9) and the participant's page name the person.
participants = sa.Table(
    "participants",
    metadata,
    sa.Column("participant_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
    sa.Column("surname", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("patronymic", sa.Text, nullable=False),
    sa.Column("grade", sa.Integer, nullable=False),
    sa.Column("school", sa.Text, nullable=False),
)
