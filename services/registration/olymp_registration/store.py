"""Tables of the registration service (its own database; no other service reads them) and the
repository functions handlers call with their unit of work's session."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_registration.domain import (
    Attendance,
    DayMark,
    EligibilityBasis,
    Olympiad,
    Participant,
    Removal,
    Room,
    RoundSlot,
    SubjectAttendance,
    SubjectSchedule,
    Venue,
)

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
)


def person_key_text(participant: Participant) -> str:
    # The unit separator cannot occur in cleaned names or school names.
    return "\x1f".join(str(part) for part in participant.person_key)


@dataclass(frozen=True)
class StoredOlympiad:
    olympiad_id: uuid.UUID
    olympiad: Olympiad
    created_at: dt.datetime


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


async def add_olympiad(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    olympiad: Olympiad,
    *,
    created_at: dt.datetime,
    created_by: str,
) -> None:
    await session.execute(
        sa.insert(olympiads).values(
            olympiad_id=olympiad_id,
            title=olympiad.title,
            school_year=olympiad.school_year,
            time_zone=olympiad.time_zone,
            created_at=created_at,
            created_by=created_by,
        )
    )
    rounds = [
        {
            "olympiad_id": olympiad_id,
            "subject_code": schedule.subject_code,
            "round_code": slot.round_code,
            "position": position,
            "day": slot.day,
            "starts_at": slot.starts_at,
            "ends_at": slot.ends_at,
        }
        for position, schedule in enumerate(olympiad.subjects)
        for slot in schedule.rounds
    ]
    if rounds:
        await session.execute(sa.insert(olympiad_rounds), rounds)
    if olympiad.venues:
        await session.execute(
            sa.insert(venues),
            [
                {
                    "olympiad_id": olympiad_id,
                    "name": venue.name,
                    "position": position,
                    "address": venue.address,
                    "rooms": [{"name": r.name, "capacity": r.capacity} for r in venue.rooms],
                }
                for position, venue in enumerate(olympiad.venues)
            ],
        )


async def olympiad_ids(session: AsyncSession) -> list[uuid.UUID]:
    """Every olympiad, the newest first."""
    rows = await session.scalars(
        sa.select(olympiads.c.olympiad_id).order_by(
            olympiads.c.created_at.desc(), olympiads.c.olympiad_id
        )
    )
    return list(rows)


async def get_olympiad(session: AsyncSession, olympiad_id: uuid.UUID) -> StoredOlympiad | None:
    row = (
        await session.execute(sa.select(olympiads).where(olympiads.c.olympiad_id == olympiad_id))
    ).one_or_none()
    if row is None:
        return None
    round_rows = (
        await session.execute(
            sa.select(olympiad_rounds)
            .where(olympiad_rounds.c.olympiad_id == olympiad_id)
            .order_by(
                olympiad_rounds.c.position, olympiad_rounds.c.day, olympiad_rounds.c.starts_at
            )
        )
    ).all()
    schedules: dict[str, list[RoundSlot]] = {}
    for r in round_rows:
        slot = RoundSlot(r.round_code, r.day, r.starts_at, r.ends_at)
        schedules.setdefault(r.subject_code, []).append(slot)
    venue_rows = (
        await session.execute(
            sa.select(venues).where(venues.c.olympiad_id == olympiad_id).order_by(venues.c.position)
        )
    ).all()
    olympiad = Olympiad(
        title=row.title,
        school_year=row.school_year,
        time_zone=row.time_zone,
        subjects=tuple(SubjectSchedule(code, tuple(slots)) for code, slots in schedules.items()),
        venues=tuple(
            Venue(v.name, tuple(Room(r["name"], int(r["capacity"])) for r in v.rooms), v.address)
            for v in venue_rows
        ),
    )
    return StoredOlympiad(row.olympiad_id, olympiad, row.created_at)


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
    if ids:
        for m in await session.execute(
            sa.select(day_marks)
            .where(day_marks.c.participant_id.in_(ids))
            .order_by(day_marks.c.day)
        ):
            mark = DayMark(m.day, Attendance(m.attendance), m.marked_at)
            marks.setdefault(m.participant_id, []).append(mark)
            if m.venue is not None:
                mark_venues.setdefault(m.participant_id, []).append((m.day, m.venue))
        for r in await session.execute(
            sa.select(removals).where(removals.c.participant_id.in_(ids))
        ):
            found_removals[r.participant_id] = Removal(r.day, r.reason, r.removed_at, r.removed_by)
    return [
        StoredParticipant(
            r.participant_id,
            r.olympiad_id,
            _participant(r),
            tuple(marks.get(r.participant_id, ())),
            found_removals.get(r.participant_id),
            tuple(mark_venues.get(r.participant_id, ())),
            r.venue,
        )
        for r in rows
    ]


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
    }
    statement = pg_insert(day_marks).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[day_marks.c.participant_id, day_marks.c.day],
            set_={
                "attendance": statement.excluded.attendance,
                "marked_at": statement.excluded.marked_at,
                "marked_by": statement.excluded.marked_by,
                "venue": sa.func.coalesce(statement.excluded.venue, day_marks.c.venue),
            },
        )
    )


async def save_removal(session: AsyncSession, participant_id: uuid.UUID, removal: Removal) -> None:
    await session.execute(
        sa.insert(removals).values(
            participant_id=participant_id,
            day=removal.day,
            reason=removal.reason,
            removed_at=removal.removed_at,
            removed_by=removal.removed_by,
        )
    )


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
