"""Olympiads with their schedule and venues."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_registration.domain import Olympiad, Room, RoundSlot, SubjectSchedule, Venue
from olymp_registration.store.tables import olympiad_rounds, olympiads, venues


@dataclass(frozen=True)
class StoredOlympiad:
    olympiad_id: uuid.UUID
    olympiad: Olympiad
    created_at: dt.datetime


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
