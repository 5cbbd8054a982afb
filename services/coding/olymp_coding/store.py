"""Tables of the coding service (its own database; no other service reads them).

`attendance` remembers what registration said about each participant and subject — present, absent
or removed — so a removal that overtakes its check-in still keeps the work from being coded.
`works` is the sealed code↔participant table; `decodings` records each subject and grade opened.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_coding.domain import Attendance, CheckState
from olymp_core.db import lock_until_commit

metadata = sa.MetaData()

attendance = sa.Table(
    "attendance",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("participant_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.Text, primary_key=True),
    sa.Column("attendance", sa.Text, nullable=False),
    sa.Column("task_grade", sa.SmallInteger),
    sa.Column("removal_reason", sa.Text),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
)

works = sa.Table(
    "works",
    metadata,
    sa.Column("work_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
    sa.Column("participant_id", UUID(as_uuid=True), nullable=False),
    sa.Column("subject_code", sa.Text, nullable=False),
    sa.Column("task_grade", sa.SmallInteger, nullable=False),
    sa.Column("work_code", sa.Text, nullable=False),
    sa.Column("coded", sa.Boolean, nullable=False),
    sa.Column("check_state", sa.Text, nullable=False, server_default=CheckState.UNCHECKED.value),
    sa.Column("coded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
    sa.Column("withdrawal_reason", sa.Text),
    sa.UniqueConstraint(
        "olympiad_id", "participant_id", "subject_code", name="works_one_per_entry"
    ),
    # Scoring knows a work by (olympiad, code) alone, so a code is unique across the olympiad.
    sa.UniqueConstraint("olympiad_id", "work_code", name="works_code_unique"),
    sa.Index("works_by_subject_grade", "olympiad_id", "subject_code", "task_grade"),
)

decodings = sa.Table(
    "decodings",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.Text, primary_key=True),
    sa.Column("grade", sa.SmallInteger, primary_key=True),
    sa.Column("decoded_count", sa.Integer, nullable=False),
    sa.Column("decoded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("decoded_by", sa.Text, nullable=False),
)


@dataclass(frozen=True)
class StoredWork:
    work_id: uuid.UUID
    olympiad_id: uuid.UUID
    participant_id: uuid.UUID
    subject_code: str
    task_grade: int
    work_code: str
    coded: bool
    check_state: CheckState
    withdrawal_reason: str | None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawal_reason is not None

    @property
    def state(self) -> CheckState:
        """A withdrawn work is annulled (§53) even before scoring says so."""
        if self.withdrawn and self.check_state is CheckState.UNCHECKED:
            return CheckState.ANNULLED
        return self.check_state


def _work(row: sa.Row[tuple[object, ...]]) -> StoredWork:
    m = row._mapping
    return StoredWork(
        work_id=m["work_id"],
        olympiad_id=m["olympiad_id"],
        participant_id=m["participant_id"],
        subject_code=m["subject_code"],
        task_grade=m["task_grade"],
        work_code=m["work_code"],
        coded=m["coded"],
        check_state=CheckState(m["check_state"]),
        withdrawal_reason=m["withdrawal_reason"],
    )


def _entry(
    olympiad_id: uuid.UUID, participant_id: uuid.UUID, subject_code: str
) -> sa.ColumnElement[bool]:
    return sa.and_(
        attendance.c.olympiad_id == olympiad_id,
        attendance.c.participant_id == participant_id,
        attendance.c.subject_code == subject_code,
    )


# any constant: the class of the advisory locks that serialise what happens to one participant's
# work of one subject (check-in, removal)
PARTICIPANT_LOCK_CLASS = 0x636F6465


async def lock_participant(
    session: AsyncSession, olympiad_id: uuid.UUID, participant_id: uuid.UUID, subject_code: str
) -> None:
    """Until commit, one transaction at a time decides about this participant's work.

    Check-in and removal arrive on different queues and may be handled at once: without the lock,
    a removal that found no work yet and a check-in that found no removal yet both committed, and
    the removed participant's work was coded and marked (§53). The second now waits, then reads
    what the first committed.
    """
    await lock_until_commit(
        session, PARTICIPANT_LOCK_CLASS, f"{olympiad_id}/{participant_id}/{subject_code}"
    )


async def attendance_of(
    session: AsyncSession, olympiad_id: uuid.UUID, participant_id: uuid.UUID, subject_code: str
) -> Attendance | None:
    value = await session.scalar(
        sa.select(attendance.c.attendance).where(_entry(olympiad_id, participant_id, subject_code))
    )
    return None if value is None else Attendance(value)


async def record_attendance(
    session: AsyncSession,
    *,
    olympiad_id: uuid.UUID,
    participant_id: uuid.UUID,
    subject_code: str,
    mark: Attendance,
    at: dt.datetime,
    task_grade: int | None = None,
    removal_reason: str | None = None,
) -> None:
    """Upsert the mark; a removal is final, so nothing later overwrites it."""
    statement = pg_insert(attendance).values(
        olympiad_id=olympiad_id,
        participant_id=participant_id,
        subject_code=subject_code,
        attendance=mark.value,
        task_grade=task_grade,
        removal_reason=removal_reason,
        recorded_at=at,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[
                attendance.c.olympiad_id,
                attendance.c.participant_id,
                attendance.c.subject_code,
            ],
            set_={
                "attendance": statement.excluded.attendance,
                "task_grade": sa.func.coalesce(
                    statement.excluded.task_grade, attendance.c.task_grade
                ),
                "removal_reason": statement.excluded.removal_reason,
                "recorded_at": statement.excluded.recorded_at,
            },
            where=attendance.c.attendance != Attendance.REMOVED.value,
        )
    )


async def seen_subjects(session: AsyncSession) -> list[tuple[uuid.UUID, str]]:
    """Every (olympiad, subject) registration has told coding about."""
    rows = await session.execute(
        sa.select(attendance.c.olympiad_id, attendance.c.subject_code)
        .distinct()
        .order_by(attendance.c.olympiad_id, attendance.c.subject_code)
    )
    return [(row.olympiad_id, row.subject_code) for row in rows]


async def codes_of_olympiad(session: AsyncSession, olympiad_id: uuid.UUID) -> set[str]:
    rows = await session.scalars(
        sa.select(works.c.work_code).where(works.c.olympiad_id == olympiad_id)
    )
    return set(rows)


async def code_taken(session: AsyncSession, olympiad_id: uuid.UUID, work_code: str) -> bool:
    """Whether `work_code` is already issued in the olympiad (one lookup in its unique index)."""
    found = await session.scalar(
        sa.select(works.c.work_id).where(
            works.c.olympiad_id == olympiad_id, works.c.work_code == work_code
        )
    )
    return found is not None


async def insert_work(
    session: AsyncSession,
    *,
    work_id: uuid.UUID,
    olympiad_id: uuid.UUID,
    participant_id: uuid.UUID,
    subject_code: str,
    task_grade: int,
    work_code: str,
    coded: bool,
    at: dt.datetime,
) -> bool:
    """Insert the work unless the participant already has one in this subject; True if inserted."""
    inserted = await session.execute(
        pg_insert(works)
        .values(
            work_id=work_id,
            olympiad_id=olympiad_id,
            participant_id=participant_id,
            subject_code=subject_code,
            task_grade=task_grade,
            work_code=work_code,
            coded=coded,
            coded_at=at,
        )
        .on_conflict_do_nothing(constraint="works_one_per_entry")
        .returning(works.c.work_id)
    )
    return inserted.first() is not None


async def work_of(
    session: AsyncSession, olympiad_id: uuid.UUID, participant_id: uuid.UUID, subject_code: str
) -> StoredWork | None:
    row = (
        await session.execute(
            sa.select(works)
            .where(
                works.c.olympiad_id == olympiad_id,
                works.c.participant_id == participant_id,
                works.c.subject_code == subject_code,
            )
            .with_for_update()
        )
    ).first()
    return None if row is None else _work(row)


async def withdraw_work(
    session: AsyncSession, work_id: uuid.UUID, reason: str, at: dt.datetime
) -> None:
    await session.execute(
        sa.update(works)
        .where(works.c.work_id == work_id)
        .values(withdrawal_reason=reason, withdrawn_at=at)
    )


async def set_check_states(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    subject_code: str,
    states: Mapping[str, CheckState],
) -> None:
    for work_code, state in states.items():
        await session.execute(
            sa.update(works)
            .where(
                works.c.olympiad_id == olympiad_id,
                works.c.subject_code == subject_code,
                works.c.work_code == work_code,
            )
            .values(check_state=state.value)
        )


async def works_of(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str, grade: int | None = None
) -> Sequence[StoredWork]:
    """Works of a subject (and task grade), ordered by grade and code so the order reveals nothing."""
    query = sa.select(works).where(
        works.c.olympiad_id == olympiad_id, works.c.subject_code == subject_code
    )
    if grade is not None:
        query = query.where(works.c.task_grade == grade)
    rows = await session.execute(query.order_by(works.c.task_grade, works.c.work_code))
    return [_work(row) for row in rows]


# any constant: the class of the advisory locks that serialise a subject and grade's decoding with
# the manual queue's changes to the pages of its works
GRADE_LOCK_CLASS = 0x64656364


async def lock_grade(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str, grade: int
) -> None:
    """Until commit, no page joins or leaves a work of this subject and grade while it is decoded.

    A decoding and a page assigned at the same moment would otherwise both see the other not yet
    done: the page would join a work after its grade was decoded.
    """
    await lock_until_commit(session, GRADE_LOCK_CLASS, f"{olympiad_id}/{subject_code}/{grade}")


@dataclass(frozen=True)
class StoredDecoding:
    decoded_count: int
    decoded_at: dt.datetime
    decoded_by: str


async def decodings_of(
    session: AsyncSession, olympiad_id: uuid.UUID
) -> dict[tuple[str, int], StoredDecoding]:
    """Every decoded (subject, grade) of the olympiad: how many works, when and by whom."""
    rows = await session.execute(sa.select(decodings).where(decodings.c.olympiad_id == olympiad_id))
    return {
        (row.subject_code, int(row.grade)): StoredDecoding(
            int(row.decoded_count), row.decoded_at, row.decoded_by
        )
        for row in rows
    }


async def works_of_olympiad(session: AsyncSession, olympiad_id: uuid.UUID) -> Sequence[StoredWork]:
    """Every work of the olympiad, by subject, grade and code."""
    rows = await session.execute(
        sa.select(works)
        .where(works.c.olympiad_id == olympiad_id)
        .order_by(works.c.subject_code, works.c.task_grade, works.c.work_code)
    )
    return [_work(row) for row in rows]


async def decoded_works_of_participant(
    session: AsyncSession, olympiad_id: uuid.UUID, participant_id: uuid.UUID
) -> Sequence[StoredWork]:
    """The participant's works whose subject and grade are decoded: only then is a work theirs
    to see (before, the code must stay apart from the person, §60–62)."""
    decoded = sa.exists().where(
        decodings.c.olympiad_id == works.c.olympiad_id,
        decodings.c.subject_code == works.c.subject_code,
        decodings.c.grade == works.c.task_grade,
    )
    rows = await session.execute(
        sa.select(works)
        .where(
            works.c.olympiad_id == olympiad_id,
            works.c.participant_id == participant_id,
            works.c.coded,
            decoded,
        )
        .order_by(works.c.subject_code)
    )
    return [_work(row) for row in rows]


async def decoded_count(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str, grade: int
) -> int | None:
    """How many works the decoding of this subject and grade opened, or None if not decoded yet."""
    value = await session.scalar(
        sa.select(decodings.c.decoded_count).where(
            decodings.c.olympiad_id == olympiad_id,
            decodings.c.subject_code == subject_code,
            decodings.c.grade == grade,
        )
    )
    return None if value is None else int(value)


async def insert_decoding(
    session: AsyncSession,
    *,
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: int,
    count: int,
    at: dt.datetime,
    by: str,
) -> bool:
    """Record the decoding unless a concurrent request recorded it first; True if this one did."""
    inserted = await session.execute(
        pg_insert(decodings)
        .values(
            olympiad_id=olympiad_id,
            subject_code=subject_code,
            grade=grade,
            decoded_count=count,
            decoded_at=at,
            decoded_by=by,
        )
        .on_conflict_do_nothing()
        .returning(decodings.c.grade)
    )
    return inserted.first() is not None


async def lock_decoding(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str, grade: int
) -> int | None:
    """`decoded_count`, with the decoding's row locked so that two transactions that would decode
    late works of one subject and grade go one after the other; None if not decoded yet."""
    value = await session.scalar(
        sa.select(decodings.c.decoded_count)
        .where(
            decodings.c.olympiad_id == olympiad_id,
            decodings.c.subject_code == subject_code,
            decodings.c.grade == grade,
        )
        .with_for_update()
    )
    return None if value is None else int(value)


async def set_decoded_count(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str, grade: int, count: int
) -> None:
    """After works coded later than the decoding were decoded too: the decoding covers them."""
    await session.execute(
        sa.update(decodings)
        .where(
            decodings.c.olympiad_id == olympiad_id,
            decodings.c.subject_code == subject_code,
            decodings.c.grade == grade,
        )
        .values(decoded_count=count)
    )
