"""Tables of the scoring service (its own database; no other service reads them).

Marks are rows, one per (work, jury member, task): the unique constraint is §69's "a member marks a work
once" held by the database itself. The `subject_grades` row is the lock and the guard of the "every
work is checked" announcement. A claim is the marking queue's hold of a work for one jury member
until `expires_at`.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = sa.MetaData()

subject_grades = sa.Table(
    "subject_grades",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.Text, primary_key=True),
    sa.Column("grade", sa.Integer, primary_key=True),
    # the marking scheme and checking policy; NULL until the jury chair sets them
    sa.Column("scheme", JSONB),
    # how many times SubjectGradeChecked was published; announced_at is NULL while (re)opened
    sa.Column("checked_version", sa.Integer, nullable=False, server_default="0"),
    sa.Column("announced_at", sa.DateTime(timezone=True)),
    # numbers every published change of the results (announcement, appeal): see next_revision
    sa.Column("results_revision", sa.Integer, nullable=False, server_default="0"),
    # the final table was published (publishing's ResultsPublished): changes are §120 corrections
    sa.Column("final_published_at", sa.DateTime(timezone=True)),
)

works = sa.Table(
    "works",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("work_code", sa.Text, primary_key=True),
    sa.Column("subject_code", sa.Text, nullable=False),
    sa.Column("grade", sa.Integer, nullable=False),
    # derived from the marks, kept so that progress is one indexed count
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("annulment_reason", sa.Text),
    # task scores after appeals (§116); NULL while the marks alone decide
    sa.Column("appealed_scores", JSONB),
    # §67: the testing system checks the work (informatics), decided when it is coded; its points
    # are imported from the system's results file, NULL until then
    sa.Column("checked_automatically", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("imported_scores", JSONB),
    sa.Column("coded_at", sa.DateTime(timezone=True), nullable=False),
    # the work's place in the marking queue's random order, drawn by the database at insert
    sa.Column("queue_rank", sa.Float, nullable=False, server_default=sa.text("random()")),
    sa.ForeignKeyConstraint(
        ["olympiad_id", "subject_code", "grade"],
        [subject_grades.c.olympiad_id, subject_grades.c.subject_code, subject_grades.c.grade],
    ),
    sa.Index("works_by_subject_grade", "olympiad_id", "subject_code", "grade"),
    # the marking queue: the works still to be marked, in rank order, so the next one is found by
    # walking the index from a member's place instead of sorting the grade (see next_claimable)
    sa.Index(
        "works_open_by_rank",
        "olympiad_id",
        "subject_code",
        "grade",
        "status",
        "queue_rank",
        postgresql_where=sa.text("status IN ('awaiting_marks', 'needs_third_mark')"),
    ),
)

marks = sa.Table(
    "marks",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
    sa.Column("work_code", sa.Text, nullable=False),
    sa.Column("jury_member_id", sa.Text, nullable=False),
    sa.Column("task_number", sa.Integer, nullable=False),
    sa.Column("points", sa.Numeric, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["olympiad_id", "work_code"], [works.c.olympiad_id, works.c.work_code]),
    sa.UniqueConstraint(
        "olympiad_id", "work_code", "jury_member_id", "task_number", name="one_mark_per_task"
    ),
)

# the marking queue's hold of a work for a jury member; a row past expires_at no longer counts
claims = sa.Table(
    "claims",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("work_code", sa.Text, primary_key=True),
    sa.Column("jury_member_id", sa.Text, primary_key=True),
    sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    # the member gave the work back (a handwriting they know, a break): it no longer counts as a
    # hand, and comes back to that member only after every other work they may take
    sa.Column("released_at", sa.DateTime(timezone=True)),
    sa.ForeignKeyConstraint(["olympiad_id", "work_code"], [works.c.olympiad_id, works.c.work_code]),
    # "does this member hold a claim already": asked at every request for the next work
    sa.Index("claims_by_member", "olympiad_id", "jury_member_id"),
)

# where each member's walk through a subject and grade's queue stands: the rank of the work the
# walk gave them last (next_claimable goes on after it)
claim_cursors = sa.Table(
    "claim_cursors",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.Text, primary_key=True),
    sa.Column("grade", sa.Integer, primary_key=True),
    sa.Column("jury_member_id", sa.Text, primary_key=True),
    sa.Column("queue_rank", sa.Float, nullable=False),
)

# a member's comment and annotations on a work, saved with that member's marks (domain.notes)
marking_notes = sa.Table(
    "marking_notes",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("work_code", sa.Text, primary_key=True),
    sa.Column("jury_member_id", sa.Text, primary_key=True),
    sa.Column("comment", sa.Text, nullable=False, server_default=""),
    sa.Column("annotations", JSONB, nullable=False, server_default="[]"),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["olympiad_id", "work_code"], [works.c.olympiad_id, works.c.work_code]),
)

# each results file of a testing system that changed a subject and grade's points (§67); the points
# before and after are in the audit trail
result_imports = sa.Table(
    "result_imports",
    metadata,
    sa.Column("import_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
    sa.Column("subject_code", sa.Text, nullable=False),
    sa.Column("grade", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("file_format", sa.Text, nullable=False),
    sa.Column("file_name", sa.Text, nullable=False, server_default=""),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("changed", sa.Integer, nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("imported_by", sa.Text, nullable=False),
    sa.ForeignKeyConstraint(
        ["olympiad_id", "subject_code", "grade"],
        [subject_grades.c.olympiad_id, subject_grades.c.subject_code, subject_grades.c.grade],
    ),
    sa.Index("result_imports_by_subject_grade", "olympiad_id", "subject_code", "grade"),
)

# each seeded sample the organiser drew for re-checking (§21; seed 000 §2): the seed and what was
# eligible make it reproducible
recheck_samples = sa.Table(
    "recheck_samples",
    metadata,
    sa.Column("sample_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
    sa.Column("subject_code", sa.Text, nullable=False),
    sa.Column("grade", sa.Integer, nullable=False),
    sa.Column("seed", sa.Text, nullable=False),
    sa.Column("eligible", sa.Integer, nullable=False),
    sa.Column("drawn", sa.Integer, nullable=False),
    sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("drawn_by", sa.Text, nullable=False),
    sa.ForeignKeyConstraint(
        ["olympiad_id", "subject_code", "grade"],
        [subject_grades.c.olympiad_id, subject_grades.c.subject_code, subject_grades.c.grade],
    ),
)

# a work to be re-checked blind by one jury member who did not mark it, its claim and its points;
# apart from the marks, so the official scores never move
rechecks = sa.Table(
    "rechecks",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("work_code", sa.Text, primary_key=True),
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("sample_id", UUID(as_uuid=True), sa.ForeignKey(recheck_samples.c.sample_id)),
    sa.Column("requested_by", sa.Text, nullable=False),
    sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
    sa.Column("claimed_by", sa.Text),
    sa.Column("claim_expires_at", sa.DateTime(timezone=True)),
    sa.Column("rechecked_by", sa.Text),
    sa.Column("rechecked_at", sa.DateTime(timezone=True)),
    sa.Column("task_scores", JSONB),
    sa.ForeignKeyConstraint(["olympiad_id", "work_code"], [works.c.olympiad_id, works.c.work_code]),
)

# a removal (§53) that arrived before its work was coded: applied when the work appears
early_withdrawals = sa.Table(
    "early_withdrawals",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("work_code", sa.Text, primary_key=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)
