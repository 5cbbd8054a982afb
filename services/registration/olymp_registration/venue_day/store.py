"""The count of works per room (§141) and who is present in each room on the day."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_registration.domain import Attendance
from olymp_registration.seating.store import seats
from olymp_registration.store import day_marks, participants, removals, works_handed


@dataclass(frozen=True)
class StoredCount:
    room: str
    works: int
    present: int
    explanation: str
    counted_at: dt.datetime
    counted_by: str


async def present_by_room(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str, venue: str, day: dt.date
) -> dict[str, tuple[int, int]]:
    """room → (present and not removed, removed) among those seated at the venue and checked in
    present there on `day` (one seated here but checked in at another venue hands in the work
    there, and is counted there as present without a desk). A mark made naming no venue (the
    organising committee's) counts where the desk is."""
    removed = sa.exists().where(
        removals.c.participant_id == seats.c.participant_id, removals.c.day == day
    )
    rows = await session.execute(
        sa.select(
            seats.c.room,
            sa.func.count().filter(~removed).label("present"),
            sa.func.count().filter(removed).label("removed"),
        )
        .join(day_marks, day_marks.c.participant_id == seats.c.participant_id)
        .where(
            seats.c.olympiad_id == olympiad_id,
            seats.c.subject_code == subject_code,
            seats.c.venue == venue,
            day_marks.c.day == day,
            sa.or_(day_marks.c.venue == venue, day_marks.c.venue.is_(None)),
            day_marks.c.attendance == Attendance.PRESENT.value,
        )
        .group_by(seats.c.room)
    )
    return {r.room: (r.present, r.removed) for r in rows}


async def present_unseated(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str, venue: str, day: dt.date
) -> int:
    """Checked in present at the venue on `day` without a desk there: in no room's count."""
    seated = sa.exists().where(
        seats.c.participant_id == participants.c.participant_id, seats.c.venue == venue
    )
    found = await session.scalar(
        sa.select(sa.func.count())
        .select_from(participants.join(day_marks))
        .where(
            participants.c.olympiad_id == olympiad_id,
            participants.c.subject_code == subject_code,
            day_marks.c.day == day,
            sa.or_(day_marks.c.venue == venue, day_marks.c.venue.is_(None)),
            day_marks.c.attendance == Attendance.PRESENT.value,
            ~seated,
        )
    )
    return int(found or 0)


async def present_without_documents(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str, venue: str, day: dt.date
) -> int:
    """Checked in present at the venue on `day` with no identity document recorded (§36): sent
    by a client that marks attendance only. A mark naming no venue counts where the desk is."""
    seated_here = sa.exists().where(
        seats.c.participant_id == participants.c.participant_id, seats.c.venue == venue
    )
    found = await session.scalar(
        sa.select(sa.func.count())
        .select_from(participants.join(day_marks))
        .where(
            participants.c.olympiad_id == olympiad_id,
            participants.c.subject_code == subject_code,
            day_marks.c.day == day,
            sa.or_(day_marks.c.venue == venue, day_marks.c.venue.is_(None) & seated_here),
            day_marks.c.attendance == Attendance.PRESENT.value,
            sa.func.jsonb_array_length(day_marks.c.documents) == 0,
        )
    )
    return int(found or 0)


async def counts(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str, venue: str, day: dt.date
) -> dict[str, StoredCount]:
    rows = await session.execute(
        sa.select(works_handed).where(
            works_handed.c.olympiad_id == olympiad_id,
            works_handed.c.subject_code == subject_code,
            works_handed.c.venue == venue,
            works_handed.c.day == day,
        )
    )
    return {
        r.room: StoredCount(r.room, r.works, r.present, r.explanation, r.counted_at, r.counted_by)
        for r in rows
    }


async def save_count(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    subject_code: str,
    venue: str,
    day: dt.date,
    count: StoredCount,
) -> None:
    """Insert or replace the room's count (a recount replaces the earlier one)."""
    values = {
        "works": count.works,
        "present": count.present,
        "explanation": count.explanation,
        "counted_at": count.counted_at,
        "counted_by": count.counted_by,
    }
    statement = pg_insert(works_handed).values(
        olympiad_id=olympiad_id,
        subject_code=subject_code,
        venue=venue,
        room=count.room,
        day=day,
        **values,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[
                works_handed.c.olympiad_id,
                works_handed.c.subject_code,
                works_handed.c.venue,
                works_handed.c.room,
                works_handed.c.day,
            ],
            set_=values,
        )
    )
