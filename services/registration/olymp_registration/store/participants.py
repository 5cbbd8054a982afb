"""Participants, the application files imported, day marks and removals."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_registration.domain import (
    Attendance,
    DayMark,
    EducationForm,
    EligibilityBasis,
    IdentityDocument,
    Participant,
    Removal,
    Signatory,
    SignatoryRole,
    SubjectAttendance,
    Withdrawal,
)
from olymp_registration.store.tables import (
    day_marks,
    participant_imports,
    participants,
    removals,
    withdrawals,
)


def person_key_text(participant: Participant) -> str:
    # The unit separator cannot occur in cleaned names or school names.
    return "\x1f".join(str(part) for part in participant.person_key)


@dataclass(frozen=True)
class StoredParticipant:
    participant_id: uuid.UUID
    olympiad_id: uuid.UUID
    participant: Participant
    marks: tuple[DayMark, ...] = ()
    removal: Removal | None = None
    mark_venues: tuple[tuple[dt.date, str], ...] = ()
    """(day, venue name) of the marks made at a known venue."""
    assigned_venue: str | None = None
    """The venue the application assigned the participant to; None when it named none."""
    withdrawal: Withdrawal | None = None

    def venue_on(self, day: dt.date) -> str | None:
        return next((venue for d, venue in self.mark_venues if d == day), None)

    @property
    def marked(self) -> bool:
        return bool(self.marks)

    def attendance(self, round_days: Sequence[dt.date]) -> SubjectAttendance:
        return SubjectAttendance(
            str(self.participant_id),
            self.participant.subject_code,
            tuple(sorted(set(round_days))),
            self.marks,
            self.removal,
        )


async def registered_person_keys(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_codes: Iterable[str]
) -> set[tuple[str, str]]:
    """(person key, subject code) of everyone already registered in those subjects."""
    rows = await session.execute(
        sa.select(participants.c.person_key, participants.c.subject_code).where(
            participants.c.olympiad_id == olympiad_id,
            participants.c.subject_code.in_(sorted(set(subject_codes))),
        )
    )
    return {(r.person_key, r.subject_code) for r in rows}


async def add_participants(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    entries: Sequence[tuple[uuid.UUID, Participant]],
    *,
    registered_at: dt.datetime,
    registered_by: str,
    venues: Mapping[uuid.UUID, str] | None = None,
) -> None:
    """Insert the participants; `venues` assigns some of them to a venue of the olympiad."""
    venues = venues or {}
    if not entries:
        return
    await session.execute(
        sa.insert(participants),
        [
            {
                "participant_id": participant_id,
                "olympiad_id": olympiad_id,
                "subject_code": p.subject_code,
                "surname": p.surname,
                "name": p.name,
                "patronymic": p.patronymic,
                "grade": p.grade,
                "task_grade": p.task_grade,
                "school": p.school,
                "eligibility": p.eligibility.value,
                "consent_to_publish": p.consent_to_publish,
                "special_conditions": p.special_conditions,
                "school_stage_score": p.school_stage_score,
                "education_form": p.education_form.value,
                "birth_date": p.birth_date,
                "venue": venues.get(participant_id),
                "person_key": person_key_text(p),
                "registered_at": registered_at,
                "registered_by": registered_by,
            }
            for participant_id, p in entries
        ],
    )


async def save_import(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    sha256: str,
    participant_ids: Sequence[uuid.UUID],
    at: dt.datetime,
    by: str,
) -> None:
    await session.execute(
        sa.insert(participant_imports).values(
            olympiad_id=olympiad_id,
            sha256=sha256,
            participant_ids=[str(pid) for pid in participant_ids],
            imported_at=at,
            imported_by=by,
        )
    )


async def imported_ids(
    session: AsyncSession, olympiad_id: uuid.UUID, sha256: str
) -> list[uuid.UUID] | None:
    """The participants an earlier import of the same file registered, in file order."""
    found = await session.scalar(
        sa.select(participant_imports.c.participant_ids).where(
            participant_imports.c.olympiad_id == olympiad_id,
            participant_imports.c.sha256 == sha256,
        )
    )
    return None if found is None else [uuid.UUID(pid) for pid in found]


async def list_participants(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    *,
    subject_code: str | None = None,
    participant_ids: Sequence[uuid.UUID] | None = None,
    for_update: bool = False,
) -> list[StoredParticipant]:
    """Participants with their day marks and removal, in alphabetical order within a subject.

    `for_update` locks the participant rows, so two venue coordinators marking the same people
    at once are applied one after the other.
    """
    query = sa.select(participants).where(participants.c.olympiad_id == olympiad_id)
    if subject_code is not None:
        query = query.where(participants.c.subject_code == subject_code)
    if participant_ids is not None:
        query = query.where(participants.c.participant_id.in_(participant_ids))
    query = query.order_by(
        participants.c.subject_code,
        participants.c.surname,
        participants.c.name,
        participants.c.patronymic,
        participants.c.participant_id,
    )
    if for_update:
        query = query.with_for_update()
    rows = (await session.execute(query)).all()
    ids = [r.participant_id for r in rows]
    marks: dict[uuid.UUID, list[DayMark]] = {}
    mark_venues: dict[uuid.UUID, list[tuple[dt.date, str]]] = {}
    found_removals: dict[uuid.UUID, Removal] = {}
    found_withdrawals: dict[uuid.UUID, Withdrawal] = {}
    if ids:
        for m in await session.execute(
            sa.select(day_marks)
            .where(day_marks.c.participant_id.in_(ids))
            .order_by(day_marks.c.day)
        ):
            documents = frozenset(IdentityDocument(d) for d in m.documents)
            mark = DayMark(m.day, Attendance(m.attendance), m.marked_at, documents)
            marks.setdefault(m.participant_id, []).append(mark)
            if m.venue is not None:
                mark_venues.setdefault(m.participant_id, []).append((m.day, m.venue))
        for r in await session.execute(
            sa.select(removals).where(removals.c.participant_id.in_(ids))
        ):
            found_removals[r.participant_id] = _removal(r)
        for w in await session.execute(
            sa.select(withdrawals).where(withdrawals.c.participant_id.in_(ids))
        ):
            found_withdrawals[w.participant_id] = Withdrawal(
                w.reason, w.withdrawn_at, w.withdrawn_by
            )
    return [
        StoredParticipant(
            r.participant_id,
            r.olympiad_id,
            _participant(r),
            tuple(marks.get(r.participant_id, ())),
            found_removals.get(r.participant_id),
            tuple(mark_venues.get(r.participant_id, ())),
            r.venue,
            found_withdrawals.get(r.participant_id),
        )
        for r in rows
    ]


def _removal(row: Any) -> Removal:
    return Removal(
        row.day,
        row.reason,
        row.removed_at,
        row.removed_by,
        row.act_number,
        row.venue,
        row.room,
        tuple(Signatory(SignatoryRole(s["role"]), s["name"]) for s in row.signatories),
    )


def _participant(row: Any) -> Participant:
    return Participant(
        surname=row.surname,
        name=row.name,
        patronymic=row.patronymic,
        grade=row.grade,
        task_grade=row.task_grade,
        school=row.school,
        subject_code=row.subject_code,
        eligibility=EligibilityBasis(row.eligibility),
        consent_to_publish=row.consent_to_publish,
        special_conditions=row.special_conditions,
        school_stage_score=row.school_stage_score,
        education_form=EducationForm(row.education_form),
        birth_date=row.birth_date,
    )


async def save_mark(
    session: AsyncSession,
    participant_id: uuid.UUID,
    mark: DayMark,
    *,
    marked_by: str,
    venue: str | None = None,
) -> None:
    """Insert or replace the day's mark; without `venue` the venue already recorded is kept."""
    values = {
        "participant_id": participant_id,
        "day": mark.day,
        "attendance": mark.attendance.value,
        "marked_at": mark.marked_at,
        "marked_by": marked_by,
        "venue": venue,
        "documents": sorted(d.value for d in mark.documents),
    }
    statement = pg_insert(day_marks).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[day_marks.c.participant_id, day_marks.c.day],
            set_={
                "attendance": statement.excluded.attendance,
                "marked_at": statement.excluded.marked_at,
                "marked_by": statement.excluded.marked_by,
                "documents": statement.excluded.documents,
                "venue": sa.func.coalesce(statement.excluded.venue, day_marks.c.venue),
            },
        )
    )


async def save_withdrawal(
    session: AsyncSession, participant_id: uuid.UUID, withdrawal: Withdrawal
) -> None:
    await session.execute(
        pg_insert(withdrawals)
        .values(
            participant_id=participant_id,
            reason=withdrawal.reason,
            withdrawn_at=withdrawal.withdrawn_at,
            withdrawn_by=withdrawal.withdrawn_by,
        )
        .on_conflict_do_nothing()
    )


async def save_removal(session: AsyncSession, participant_id: uuid.UUID, removal: Removal) -> None:
    await session.execute(
        sa.insert(removals).values(
            participant_id=participant_id,
            day=removal.day,
            reason=removal.reason,
            removed_at=removal.removed_at,
            removed_by=removal.removed_by,
            act_number=removal.act_number,
            venue=removal.venue,
            room=removal.room,
            signatories=[{"role": s.role.value, "name": s.name} for s in removal.signatories],
        )
    )


async def next_act_number(session: AsyncSession, olympiad_id: uuid.UUID) -> int:
    """The next removal act's number in the olympiad (from 1). Two removals at once in one
    olympiad take their numbers one after the other: the lock holds until the commit."""
    await session.execute(
        sa.select(
            sa.func.pg_advisory_xact_lock(
                sa.func.hashtextextended(sa.literal(f"removal-acts:{olympiad_id}"), 0)
            )
        )
    )
    last = await session.scalar(
        sa.select(sa.func.max(removals.c.act_number))
        .select_from(removals.join(participants))
        .where(participants.c.olympiad_id == olympiad_id)
    )
    return (last or 0) + 1


async def present_participants(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str
) -> list[tuple[uuid.UUID, int, int]]:
    """(participant id, grade, task grade) of those marked present on some day and not removed."""
    present = sa.exists().where(
        day_marks.c.participant_id == participants.c.participant_id,
        day_marks.c.attendance == Attendance.PRESENT.value,
    )
    removed = sa.exists().where(removals.c.participant_id == participants.c.participant_id)
    rows = await session.execute(
        sa.select(participants.c.participant_id, participants.c.grade, participants.c.task_grade)
        .where(
            participants.c.olympiad_id == olympiad_id,
            participants.c.subject_code == subject_code,
            present,
            ~removed,
        )
        .order_by(participants.c.participant_id)
    )
    return [(r.participant_id, r.grade, r.task_grade) for r in rows]
