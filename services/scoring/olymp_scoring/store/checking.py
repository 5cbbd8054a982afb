"""Subjects and grades, works, marks and notes: what the jury's checking reads and writes.

A `WorkSheet` is rebuilt from the mark rows in the order they were saved (`sheet_of`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
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
from olymp_scoring.domain.notes import Annotation, MarkingNotes
from olymp_scoring.store.tables import (
    early_withdrawals,
    marking_notes,
    marks,
    subject_grades,
    works,
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
class WorkRow:
    key: SubjectGrade
    work_code: str
    status: WorkStatus
    annulment_reason: AnnulmentReason | None
    appealed_scores: dict[int, Decimal] | None
    checked_automatically: bool = False
    imported_scores: dict[int, Decimal] | None = None


def task_points(found: Mapping[str, Any] | None) -> dict[int, Decimal] | None:
    """Task scores as a JSONB column keeps them ({"1": "7.5"}), by task number."""
    return {int(k): Decimal(v) for k, v in found.items()} if found is not None else None


def task_points_json(points: Mapping[int, Decimal]) -> dict[str, str]:
    return {str(n): str(p) for n, p in sorted(points.items())}


def work_row(row: sa.Row[Any]) -> WorkRow:
    return WorkRow(
        key=SubjectGrade(row.olympiad_id, row.subject_code, row.grade),
        work_code=row.work_code,
        status=WorkStatus(row.status),
        annulment_reason=AnnulmentReason(row.annulment_reason) if row.annulment_reason else None,
        appealed_scores=task_points(row.appealed_scores),
        checked_automatically=row.checked_automatically,
        imported_scores=task_points(row.imported_scores),
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
    session: AsyncSession,
    key: SubjectGrade,
    work_code: str,
    at: dt.datetime,
    *,
    checked_automatically: bool = False,
) -> bool:
    """Create the work awaiting marks (or the testing system's results, §67); False when it
    already exists (a redelivered WorkCoded)."""
    status = WorkStatus.AWAITING_RESULTS if checked_automatically else WorkStatus.AWAITING_MARKS
    result = await session.execute(
        pg_insert(works)
        .values(
            olympiad_id=key.olympiad_id,
            work_code=work_code,
            subject_code=key.subject_code,
            grade=key.grade,
            status=status.value,
            checked_automatically=checked_automatically,
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
    return work_row(row) if row is not None else None


async def list_works(session: AsyncSession, key: SubjectGrade) -> list[WorkRow]:
    rows = await session.execute(
        sa.select(works).where(key.where(works)).order_by(works.c.work_code)
    )
    return [work_row(row) for row in rows]


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
        checked_automatically=work.checked_automatically,
        imported_scores=work.imported_scores,
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
