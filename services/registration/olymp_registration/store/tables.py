"""Tables of the registration service: its own database, which no other service reads."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = sa.MetaData()

olympiads = sa.Table(
    "olympiads",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("school_year", sa.Text, nullable=False),
    sa.Column("time_zone", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    # whose olympiad it is (§4: each municipality organises its own); NULL: created before the
    # column, or on an installation that names no municipality
    sa.Column("municipality_id", sa.Text),
)

# Wall-clock times in the olympiad's zone, as the organiser set them; UTC instants are derived.
olympiad_rounds = sa.Table(
    "olympiad_rounds",
    metadata,
    sa.Column(
        "olympiad_id", UUID(as_uuid=True), sa.ForeignKey("olympiads.olympiad_id"), primary_key=True
    ),
    sa.Column("subject_code", sa.Text, primary_key=True),
    sa.Column("round_code", sa.Text, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("starts_at", sa.Time, nullable=False),
    sa.Column("ends_at", sa.Time, nullable=False),
    # the warnings before the end (§44 or §133), as EndWarnings values
    sa.Column("end_warnings", sa.Text, nullable=False, server_default="30-5"),
)

venues = sa.Table(
    "venues",
    metadata,
    sa.Column(
        "olympiad_id", UUID(as_uuid=True), sa.ForeignKey("olympiads.olympiad_id"), primary_key=True
    ),
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("address", sa.Text, nullable=False, server_default=""),
    sa.Column("rooms", JSONB, nullable=False),
)

participants = sa.Table(
    "participants",
    metadata,
    sa.Column("participant_id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "olympiad_id", UUID(as_uuid=True), sa.ForeignKey("olympiads.olympiad_id"), nullable=False
    ),
    sa.Column("subject_code", sa.Text, nullable=False),
    sa.Column("surname", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("patronymic", sa.Text, nullable=False),
    sa.Column("grade", sa.SmallInteger, nullable=False),
    sa.Column("task_grade", sa.SmallInteger, nullable=False),
    sa.Column("school", sa.Text, nullable=False),
    sa.Column("eligibility", sa.Text, nullable=False),
    sa.Column("consent_to_publish", sa.Boolean, nullable=False),
    sa.Column("special_conditions", sa.Text, nullable=False),
    # Points at this year's school stage (§10), when the application gives them.
    sa.Column("school_stage_score", sa.Numeric(7, 2)),
    # §9: at an educational organisation ("school"), or in family education or self-education.
    sa.Column("education_form", sa.Text, nullable=False, server_default="school"),
    # §36: decides the identity document at the entrance; None when the application gave none.
    sa.Column("birth_date", sa.Date),
    # The venue the application assigns the participant to (as the olympiad names it), if any.
    sa.Column("venue", sa.Text),
    # The loose identity of the person (case, «ё», school quotes folded): one application per
    # person and subject, even across files.
    sa.Column("person_key", sa.Text, nullable=False),
    sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("registered_by", sa.Text, nullable=False),
    sa.UniqueConstraint("olympiad_id", "subject_code", "person_key", name="participants_once"),
    sa.Index("participants_by_subject", "olympiad_id", "subject_code"),
)

# The application files imported, by content hash, with the participants each one registered
# (in file order): the same file again is answered with them (handlers.importing).
participant_imports = sa.Table(
    "participant_imports",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("participant_ids", JSONB, nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("imported_by", sa.Text, nullable=False),
)

day_marks = sa.Table(
    "day_marks",
    metadata,
    sa.Column(
        "participant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("participants.participant_id"),
        primary_key=True,
    ),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("attendance", sa.Text, nullable=False),
    sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("marked_by", sa.Text, nullable=False),
    sa.Column("venue", sa.Text),
    # the identity documents shown at the entrance (§36), as IdentityDocument values
    sa.Column("documents", JSONB, nullable=False, server_default="[]"),
)

removals = sa.Table(
    "removals",
    metadata,
    sa.Column(
        "participant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("participants.participant_id"),
        primary_key=True,
    ),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("removed_by", sa.Text, nullable=False),
    # the act (§53, App. 14): numbered within the olympiad from 1; None for acts before numbering
    sa.Column("act_number", sa.Integer),
    sa.Column("venue", sa.Text),
    sa.Column("room", sa.Text),
    # [{"role": "organiser_in_room" | "orgcommittee", "name": …}, …] in the act's order
    sa.Column("signatories", JSONB, nullable=False, server_default="[]"),
)

# An application withdrawn before the round (handlers.withdrawals): not seated, not expected.
withdrawals = sa.Table(
    "withdrawals",
    metadata,
    sa.Column(
        "participant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("participants.participant_id"),
        primary_key=True,
    ),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("withdrawn_by", sa.Text, nullable=False),
)

# The organiser's admission rules (§10), per subject: the minimum school-stage score per grade,
# and last year's winners and prize-winners of the municipal stage (each list replaced whole).
eligibility_thresholds = sa.Table(
    "eligibility_thresholds",
    metadata,
    sa.Column(
        "olympiad_id", UUID(as_uuid=True), sa.ForeignKey("olympiads.olympiad_id"), primary_key=True
    ),
    sa.Column("subject_code", sa.Text, primary_key=True),
    sa.Column("grade", sa.SmallInteger, primary_key=True),
    sa.Column("min_score", sa.Numeric(7, 2), nullable=False),
    sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("set_by", sa.Text, nullable=False),
)

previous_awardees = sa.Table(
    "previous_awardees",
    metadata,
    sa.Column(
        "olympiad_id", UUID(as_uuid=True), sa.ForeignKey("olympiads.olympiad_id"), primary_key=True
    ),
    sa.Column("subject_code", sa.Text, primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("surname", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("patronymic", sa.Text, nullable=False),
    # the grade they were in last year, when they won
    sa.Column("grade", sa.SmallInteger, nullable=False),
    sa.Column("school", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("listed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("listed_by", sa.Text, nullable=False),
)

# §141: the works the room's organisers handed over after the round, against those present then.
works_handed = sa.Table(
    "works_handed",
    metadata,
    sa.Column(
        "olympiad_id", UUID(as_uuid=True), sa.ForeignKey("olympiads.olympiad_id"), primary_key=True
    ),
    sa.Column("subject_code", sa.Text, primary_key=True),
    sa.Column("venue", sa.Text, primary_key=True),
    sa.Column("room", sa.Text, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("works", sa.Integer, nullable=False),
    # present and not removed in the room when counted: the count is checked against it
    sa.Column("present", sa.Integer, nullable=False),
    sa.Column("explanation", sa.Text, nullable=False, server_default=""),
    sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("counted_by", sa.Text, nullable=False),
)
