"""Tables of the scoring service (its own database; no other service reads them) and their repository.

Marks are rows, one per (work, jury member, task): the unique constraint is §69's "a member marks a work
once" held by the database itself. A `WorkSheet` is rebuilt from the rows in the order they were saved.
The `subject_grades` row is the lock and the guard of the "every work is checked" announcement.

A claim is the marking queue's hold of a work for one jury member until `expires_at`. Claims and
marks of a work are only written while its `works` row is locked (`get_work(lock=True)`), so a
count of them taken after that lock, in a new statement, is exact.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_core.db import lock_until_commit
from olymp_core.subject_grade import SubjectGrade
from olymp_scoring.domain import (
    AnnulmentReason,
    CheckingPolicy,
    DiscrepancyThreshold,
    Mark,
    MarkingScheme,
    ThresholdKind,
    WorkSheet,
    WorkStatus,
    scoring_rule,
)
from olymp_scoring.domain.claims import THIRD_MARKERS_AT_ONCE
from olymp_scoring.domain.notes import Annotation, MarkingNotes
from olymp_scoring.domain.work import MARKERS_PER_WORK

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

# a removal (§53) that arrived before its work was coded: applied when the work appears
early_withdrawals = sa.Table(
    "early_withdrawals",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("work_code", sa.Text, primary_key=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class StoredScheme:
    """The scheme and policy as the chair set them, with the names they were given in."""

    scheme: MarkingScheme
    policy: CheckingPolicy

    def to_json(self) -> dict[str, Any]:
        return {
            "tasks": [
                {"number": t.number, "max_points": str(t.max_points)} for t in self.scheme.tasks
            ],
            "step": str(self.scheme.step),
            "threshold": {
                "kind": self.policy.threshold.kind.value,
                "value": str(self.policy.threshold.value),
            },
            "rule": self.policy.rule.name,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StoredScheme:
        scheme = MarkingScheme.of(
            ((int(t["number"]), Decimal(t["max_points"])) for t in data["tasks"]),
            Decimal(data["step"]),
        )
        threshold = DiscrepancyThreshold(
            ThresholdKind(data["threshold"]["kind"]), Decimal(data["threshold"]["value"])
        )
        return cls(scheme, CheckingPolicy(threshold, scoring_rule(data["rule"])))


@dataclass(frozen=True)
class ClaimRow:
    work_code: str
    jury_member_id: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class WorkRow:
    key: SubjectGrade
    work_code: str
    status: WorkStatus
    annulment_reason: AnnulmentReason | None
    appealed_scores: dict[int, Decimal] | None


def _work_row(row: sa.Row[Any]) -> WorkRow:
    appealed = row.appealed_scores
    return WorkRow(
        key=SubjectGrade(row.olympiad_id, row.subject_code, row.grade),
        work_code=row.work_code,
        status=WorkStatus(row.status),
        annulment_reason=AnnulmentReason(row.annulment_reason) if row.annulment_reason else None,
        appealed_scores=(
            {int(k): Decimal(v) for k, v in appealed.items()} if appealed is not None else None
        ),
    )


async def ensure_subject_grade(session: AsyncSession, key: SubjectGrade) -> None:
    await session.execute(
        pg_insert(subject_grades)
        .values(olympiad_id=key.olympiad_id, subject_code=key.subject_code, grade=key.grade)
        .on_conflict_do_nothing()
    )


async def lock_subject_grade(session: AsyncSession, key: SubjectGrade) -> sa.Row[Any] | None:
    """The subject-grade row, locked until the transaction ends (serialises its announcement)."""
    result = await session.execute(
        sa.select(subject_grades).where(key.where(subject_grades)).with_for_update()
    )
    return result.first()


async def load_scheme(session: AsyncSession, key: SubjectGrade) -> StoredScheme | None:
    found = await session.scalar(
        sa.select(subject_grades.c.scheme).where(key.where(subject_grades))
    )
    return StoredScheme.from_json(found) if found is not None else None


async def save_scheme(session: AsyncSession, key: SubjectGrade, stored: StoredScheme) -> None:
    await session.execute(
        sa.update(subject_grades).where(key.where(subject_grades)).values(scheme=stored.to_json())
    )


async def any_marks(session: AsyncSession, key: SubjectGrade) -> bool:
    query = (
        sa.select(marks.c.id)
        .join(
            works,
            sa.and_(
                works.c.olympiad_id == marks.c.olympiad_id, works.c.work_code == marks.c.work_code
            ),
        )
        .where(key.where(works))
        .limit(1)
    )
    return (await session.scalar(query)) is not None


async def insert_work(
    session: AsyncSession, key: SubjectGrade, work_code: str, at: dt.datetime
) -> bool:
    """Create the work awaiting marks; False when it already exists (a redelivered WorkCoded)."""
    result = await session.execute(
        pg_insert(works)
        .values(
            olympiad_id=key.olympiad_id,
            work_code=work_code,
            subject_code=key.subject_code,
            grade=key.grade,
            status=WorkStatus.AWAITING_MARKS.value,
            coded_at=at,
        )
        .on_conflict_do_nothing()
        .returning(works.c.work_code)
    )
    return result.first() is not None


async def get_work(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str, *, lock: bool = False
) -> WorkRow | None:
    query = sa.select(works).where(
        works.c.olympiad_id == olympiad_id, works.c.work_code == work_code
    )
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return _work_row(row) if row is not None else None


async def list_works(session: AsyncSession, key: SubjectGrade) -> list[WorkRow]:
    rows = await session.execute(
        sa.select(works).where(key.where(works)).order_by(works.c.work_code)
    )
    return [_work_row(row) for row in rows]


async def subject_grade_summaries(
    session: AsyncSession, olympiad_id: uuid.UUID
) -> list[tuple[SubjectGrade, bool, list[WorkStatus]]]:
    """Each subject and grade of the olympiad: whether its criteria are set, its works' statuses."""
    grades = await session.execute(
        sa.select(
            subject_grades.c.subject_code,
            subject_grades.c.grade,
            subject_grades.c.scheme.is_not(None).label("has_scheme"),
        )
        .where(subject_grades.c.olympiad_id == olympiad_id)
        .order_by(subject_grades.c.subject_code, subject_grades.c.grade)
    )
    statuses: dict[tuple[str, int], list[WorkStatus]] = {}
    rows = await session.execute(
        sa.select(works.c.subject_code, works.c.grade, works.c.status).where(
            works.c.olympiad_id == olympiad_id
        )
    )
    for row in rows:
        statuses.setdefault((row.subject_code, row.grade), []).append(WorkStatus(row.status))
    return [
        (
            SubjectGrade(olympiad_id, row.subject_code, row.grade),
            bool(row.has_scheme),
            statuses.get((row.subject_code, row.grade), []),
        )
        for row in grades
    ]


async def work_statuses(session: AsyncSession, key: SubjectGrade) -> list[WorkStatus]:
    rows = await session.scalars(sa.select(works.c.status).where(key.where(works)))
    return [WorkStatus(status) for status in rows]


async def marks_of(
    session: AsyncSession, olympiad_id: uuid.UUID, work_codes: Sequence[str]
) -> dict[str, tuple[Mark, ...]]:
    """Each work's marks in the order they were recorded."""
    rows = await session.execute(
        sa.select(marks)
        .where(marks.c.olympiad_id == olympiad_id, marks.c.work_code.in_(list(work_codes)))
        .order_by(marks.c.id)
    )
    found: dict[str, list[Mark]] = {code: [] for code in work_codes}
    for row in rows:
        found[row.work_code].append(Mark(row.task_number, row.jury_member_id, row.points))
    return {code: tuple(listed) for code, listed in found.items()}


async def save_notes(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    work_code: str,
    member: str,
    notes: MarkingNotes,
    recorded_at: dt.datetime,
) -> None:
    """Keep the member's comment and annotations; written once, with the member's marks."""
    await session.execute(
        sa.insert(marking_notes).values(
            olympiad_id=olympiad_id,
            work_code=work_code,
            jury_member_id=member,
            comment=notes.comment,
            annotations=notes.annotations_json(),
            recorded_at=recorded_at,
        )
    )


async def notes_of(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str
) -> dict[str, MarkingNotes]:
    """Every member's comment and annotations on the work, by member."""
    rows = await session.execute(
        sa.select(marking_notes).where(
            marking_notes.c.olympiad_id == olympiad_id, marking_notes.c.work_code == work_code
        )
    )
    return {
        row.jury_member_id: MarkingNotes(
            row.comment, tuple(Annotation.from_json(a) for a in row.annotations)
        )
        for row in rows
    }


def sheet_of(work: WorkRow, stored: StoredScheme, work_marks: tuple[Mark, ...]) -> WorkSheet:
    return WorkSheet(
        work_code=work.work_code,
        scheme=stored.scheme,
        policy=stored.policy,
        marks=work_marks,
        annulment=work.annulment_reason,
    )


async def insert_marks(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    work_code: str,
    new_marks: Sequence[Mark],
    at: dt.datetime,
) -> None:
    rows = [
        {
            "olympiad_id": olympiad_id,
            "work_code": work_code,
            "jury_member_id": mark.jury_member_id,
            "task_number": mark.task_number,
            "points": mark.points,
            "recorded_at": at,
        }
        for mark in new_marks
    ]
    await session.execute(sa.insert(marks), rows)


async def update_work(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str, **values: Any
) -> None:
    await session.execute(
        sa.update(works)
        .where(works.c.olympiad_id == olympiad_id, works.c.work_code == work_code)
        .values(**values)
    )


async def mark_announced(
    session: AsyncSession, key: SubjectGrade, version: int, at: dt.datetime | None
) -> None:
    await session.execute(
        sa.update(subject_grades)
        .where(key.where(subject_grades))
        .values(checked_version=version, announced_at=at)
    )


async def next_revision(session: AsyncSession, key: SubjectGrade) -> int:
    """The next number of a results statement of this subject and grade.

    The update locks the row until the transaction ends, so statements are numbered in the order
    they commit: a transaction that reads the works after taking its number sees every statement
    numbered before it.
    """
    result = await session.execute(
        sa.update(subject_grades)
        .where(key.where(subject_grades))
        .values(results_revision=subject_grades.c.results_revision + 1)
        .returning(subject_grades.c.results_revision)
    )
    return int(result.scalar_one())


async def final_published_at(session: AsyncSession, key: SubjectGrade) -> dt.datetime | None:
    found: dt.datetime | None = await session.scalar(
        sa.select(subject_grades.c.final_published_at).where(key.where(subject_grades))
    )
    return found


async def mark_final_published(session: AsyncSession, key: SubjectGrade, at: dt.datetime) -> None:
    await session.execute(
        sa.update(subject_grades)
        .where(key.where(subject_grades), subject_grades.c.final_published_at.is_(None))
        .values(final_published_at=at)
    )


# any constant: the class of the advisory locks that serialise a work's arrival and its withdrawal
WORK_ARRIVAL_LOCK_CLASS = 0x77726B63


async def lock_work_arrival(session: AsyncSession, olympiad_id: uuid.UUID, work_code: str) -> None:
    """Until commit, one transaction at a time handles a work's coding or its withdrawal.

    They come on different queues and may be handled at once: a withdrawal that found no work yet
    kept itself for later, while the work's arrival, not seeing that uncommitted note, created
    the work to be marked — and the note was never taken. The second now waits for the first.
    """
    await lock_until_commit(session, WORK_ARRIVAL_LOCK_CLASS, f"{olympiad_id}/{work_code}")


async def take_early_withdrawal(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str
) -> str | None:
    result = await session.execute(
        sa.delete(early_withdrawals)
        .where(
            early_withdrawals.c.olympiad_id == olympiad_id,
            early_withdrawals.c.work_code == work_code,
        )
        .returning(early_withdrawals.c.reason)
    )
    return result.scalar_one_or_none()


async def keep_early_withdrawal(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str, reason: str, at: dt.datetime
) -> None:
    await session.execute(
        pg_insert(early_withdrawals)
        .values(olympiad_id=olympiad_id, work_code=work_code, reason=reason, received_at=at)
        .on_conflict_do_nothing()
    )


# any constant: the class of the advisory locks that serialise one member's requests for a work
CLAIMANT_LOCK_CLASS = 0x73636F72


async def lock_claimant(session: AsyncSession, key: SubjectGrade, member: str) -> None:
    """Serialise, until commit, one member's requests for the next work of a subject and grade.

    A double click must not give a member two works: the second request waits, then finds the
    first one's claim. Taken before any work row, and no work-row holder waits for it, so the
    lock order stays deadlock-free; a hash collision only makes two members wait for each other.
    """
    await lock_until_commit(session, CLAIMANT_LOCK_CLASS, f"{key.object_id}/{member}")


def _claims_of_work() -> sa.ColumnElement[bool]:
    return sa.and_(
        claims.c.olympiad_id == works.c.olympiad_id, claims.c.work_code == works.c.work_code
    )


async def held_claims(
    session: AsyncSession, key: SubjectGrade, member: str, now: dt.datetime
) -> list[ClaimRow]:
    """The member's unexpired claims in this subject and grade (one, unless a rule changed)."""
    rows = await session.execute(
        sa.select(claims.c.work_code, claims.c.jury_member_id, claims.c.expires_at)
        .join(works, _claims_of_work())
        .where(key.where(works), claims.c.jury_member_id == member, claims.c.expires_at > now)
        .order_by(claims.c.claimed_at, claims.c.work_code)
    )
    return [ClaimRow(row.work_code, row.jury_member_id, row.expires_at) for row in rows]


async def active_claims(
    session: AsyncSession, key: SubjectGrade, now: dt.datetime
) -> list[ClaimRow]:
    """Every unexpired claim of this subject and grade."""
    rows = await session.execute(
        sa.select(claims.c.work_code, claims.c.jury_member_id, claims.c.expires_at)
        .join(works, _claims_of_work())
        .where(key.where(works), claims.c.expires_at > now)
        .order_by(claims.c.jury_member_id, claims.c.expires_at, claims.c.work_code)
    )
    return [ClaimRow(row.work_code, row.jury_member_id, row.expires_at) for row in rows]


@dataclass(frozen=True)
class Candidate:
    """A work the queue found for a member (locked, when the search was asked to lock)."""

    work: WorkRow
    queue_rank: float
    # found by the member's walk through the random order, not as a third mark or a work they
    # gave back: their next walk goes on after it (move_cursor)
    walked: bool


def _marks_of_work() -> sa.ColumnElement[bool]:
    return sa.and_(
        marks.c.olympiad_id == works.c.olympiad_id, marks.c.work_code == works.c.work_code
    )


def _open_to(member: str, now: dt.datetime) -> list[sa.ColumnElement[bool]]:
    """The work admits `member` now: `domain.claims.may_take`, as conditions on a works row.

    Each is a scalar subquery, evaluated only for the rows the index walk passes, a few index
    probes each. (PostgreSQL turns a `NOT EXISTS` into an anti-join, whose inner side it may
    plan as a scan of every mark of the member, repeated for each row passed.)
    """
    marked_by = (
        sa.select(sa.func.count(sa.distinct(marks.c.jury_member_id)))
        .where(_marks_of_work())
        .scalar_subquery()
    )
    claimed_by_others = (
        sa.select(sa.func.count())
        .select_from(claims)
        .where(_claims_of_work(), claims.c.jury_member_id != member, claims.c.expires_at > now)
        .scalar_subquery()
    )
    marked_by_member = (
        sa.select(sa.func.count())
        .where(_marks_of_work(), marks.c.jury_member_id == member)
        .scalar_subquery()
    )
    return [
        marked_by_member == 0,
        sa.or_(
            sa.and_(
                works.c.status == WorkStatus.AWAITING_MARKS.value,
                marked_by + claimed_by_others < MARKERS_PER_WORK,
            ),
            sa.and_(
                works.c.status == WorkStatus.NEEDS_THIRD_MARK.value,
                claimed_by_others < THIRD_MARKERS_AT_ONCE,
            ),
        ),
    ]


def _not_given_back_by(member: str) -> sa.ColumnElement[bool]:
    given_back = (
        sa.select(sa.func.count())
        .select_from(claims)
        .where(
            _claims_of_work(),
            claims.c.jury_member_id == member,
            claims.c.released_at.is_not(None),
        )
        .scalar_subquery()
    )
    return given_back == 0


async def next_claimable(
    session: AsyncSession,
    key: SubjectGrade,
    member: str,
    now: dt.datetime,
    *,
    start: float,
    skip: Sequence[str],
    lock: bool,
) -> Candidate | None:
    """The next work `member` may take, or None.

    In this order: works needing a third mark (they hold the subject's announcement back); then
    the member's walk through the works awaiting marks in rank order, going on after the rank of
    the work the walk gave them last (`start` before their first), round to the beginning after
    the last; last, the works they gave back, the earliest given back first. Each is one
    `LIMIT 1` walk of `works_open_by_rank` that stops at the first work open to the member, so a
    request costs about the same whatever the size of the grade.

    `lock=True` locks the row found, skipping rows another transaction holds; `lock=False` only
    looks. The conditions are read in the statement's snapshot and only narrow the choice: the
    caller re-checks them after the lock (`domain.claims.may_take`, which `_open_to` mirrors).
    """
    kept = [works.c.work_code.not_in(list(skip))] if skip else []
    cursor = sa.func.coalesce(
        sa.select(claim_cursors.c.queue_rank)
        .where(key.where(claim_cursors), claim_cursors.c.jury_member_id == member)
        .scalar_subquery(),
        start,
    )
    of_status = {
        status: [key.where(works), works.c.status == status.value, _not_given_back_by(member)]
        for status in (WorkStatus.NEEDS_THIRD_MARK, WorkStatus.AWAITING_MARKS)
    }
    walks = [
        (of_status[WorkStatus.NEEDS_THIRD_MARK], False),
        ([*of_status[WorkStatus.AWAITING_MARKS], works.c.queue_rank > cursor], True),
        (of_status[WorkStatus.AWAITING_MARKS], True),  # round to the beginning
    ]
    for conditions, walked in walks:
        query = (
            sa.select(works)
            .where(*conditions, *_open_to(member, now), *kept)
            .order_by(works.c.queue_rank)
            .limit(1)
        )
        if lock:
            query = query.with_for_update(skip_locked=True)
        row = (await session.execute(query)).first()
        if row is not None:
            return Candidate(_work_row(row), row.queue_rank, walked)
    mine = claims.alias("given_back")  # apart from the claims that _open_to counts
    given_back = (
        sa.select(works)
        .join(
            mine,
            sa.and_(
                mine.c.olympiad_id == works.c.olympiad_id,
                mine.c.work_code == works.c.work_code,
                mine.c.jury_member_id == member,
                mine.c.released_at.is_not(None),
            ),
        )
        .where(
            key.where(works),
            works.c.status.in_(
                [WorkStatus.AWAITING_MARKS.value, WorkStatus.NEEDS_THIRD_MARK.value]
            ),
            *_open_to(member, now),
            *kept,
        )
        .order_by(mine.c.released_at, works.c.queue_rank)
        .limit(1)
    )
    if lock:
        given_back = given_back.with_for_update(of=works, skip_locked=True)
    row = (await session.execute(given_back)).first()
    return Candidate(_work_row(row), row.queue_rank, False) if row is not None else None


async def move_cursor(
    session: AsyncSession, key: SubjectGrade, member: str, queue_rank: float
) -> None:
    """The member's next walk through the queue goes on after `queue_rank`."""
    statement = pg_insert(claim_cursors).values(
        olympiad_id=key.olympiad_id,
        subject_code=key.subject_code,
        grade=key.grade,
        jury_member_id=member,
        queue_rank=queue_rank,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=list(claim_cursors.primary_key.columns),
            set_={"queue_rank": queue_rank},
        )
    )


@dataclass(frozen=True)
class WorkClaim:
    jury_member_id: str
    expires_at: dt.datetime
    released_at: dt.datetime | None

    def stale(self, now: dt.datetime) -> bool:
        """Expired unfulfilled: it counts for nothing and may go (`delete_stale_claims`)."""
        return self.expires_at <= now and self.released_at is None


async def work_claims(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str
) -> list[WorkClaim]:
    """Every claim row of the work, expired and given back ones too."""
    rows = await session.execute(
        sa.select(claims.c.jury_member_id, claims.c.expires_at, claims.c.released_at).where(
            claims.c.olympiad_id == olympiad_id, claims.c.work_code == work_code
        )
    )
    return [WorkClaim(row.jury_member_id, row.expires_at, row.released_at) for row in rows]


async def claimants(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str, now: dt.datetime
) -> dict[str, dt.datetime]:
    """Who holds an unexpired claim on the work, and until when."""
    rows = await session.execute(
        sa.select(claims.c.jury_member_id, claims.c.expires_at).where(
            claims.c.olympiad_id == olympiad_id,
            claims.c.work_code == work_code,
            claims.c.expires_at > now,
        )
    )
    return {row.jury_member_id: row.expires_at for row in rows}


async def save_claim(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    work_code: str,
    member: str,
    claimed_at: dt.datetime,
    expires_at: dt.datetime,
) -> None:
    """Claim the work for the member; the member's expired claim on it, if any, is renewed."""
    statement = pg_insert(claims).values(
        olympiad_id=olympiad_id,
        work_code=work_code,
        jury_member_id=member,
        claimed_at=claimed_at,
        expires_at=expires_at,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[claims.c.olympiad_id, claims.c.work_code, claims.c.jury_member_id],
            set_={"claimed_at": claimed_at, "expires_at": expires_at, "released_at": None},
        )
    )


def _claim_of(olympiad_id: uuid.UUID, work_code: str, member: str) -> sa.ColumnElement[bool]:
    return sa.and_(
        claims.c.olympiad_id == olympiad_id,
        claims.c.work_code == work_code,
        claims.c.jury_member_id == member,
    )


async def delete_claim(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str, member: str
) -> bool:
    """Remove the member's claim on the work; False when there was none."""
    result = await session.execute(
        sa.delete(claims)
        .where(_claim_of(olympiad_id, work_code, member))
        .returning(claims.c.work_code)
    )
    return result.first() is not None


async def give_back_claim(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str, member: str, now: dt.datetime
) -> bool:
    """End the member's unexpired claim, remembering that they gave the work back."""
    result = await session.execute(
        sa.update(claims)
        .where(_claim_of(olympiad_id, work_code, member), claims.c.expires_at > now)
        .values(expires_at=now, released_at=now)
        .returning(claims.c.work_code)
    )
    return result.first() is not None


async def delete_stale_claims(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str, now: dt.datetime | None
) -> None:
    """Remove the work's claims that expired by `now`; every claim of it when `now` is None."""
    query = sa.delete(claims).where(
        claims.c.olympiad_id == olympiad_id, claims.c.work_code == work_code
    )
    if now is not None:
        # a given-back claim is kept: it orders that member's queue (see next_claimable)
        query = query.where(claims.c.expires_at <= now, claims.c.released_at.is_(None))
    await session.execute(query)
