"""Olympiads with their schedule and venues."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_core.auth.olympiads import record_municipality
from olymp_registration.domain import (
    EndWarnings,
    Olympiad,
    Room,
    RoundSlot,
    SubjectSchedule,
    Venue,
)
from olymp_registration.store.tables import olympiad_rounds, olympiads, venues


@dataclass(frozen=True)
class StoredOlympiad:
    olympiad_id: uuid.UUID
    olympiad: Olympiad
    created_at: dt.datetime
    municipality_id: str | None = None


async def add_olympiad(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    olympiad: Olympiad,
    *,
    created_at: dt.datetime,
    created_by: str,
    municipality_id: str | None = None,
) -> None:
    await session.execute(
        sa.insert(olympiads).values(
            olympiad_id=olympiad_id,
            title=olympiad.title,
            school_year=olympiad.school_year,
            time_zone=olympiad.time_zone,
            created_at=created_at,
            created_by=created_by,
            municipality_id=municipality_id,
        )
    )
    # the table every service checks a municipality's coordinator against, in this transaction
    await record_municipality(session, olympiad_id, municipality_id)
    rounds = [
        {
            "olympiad_id": olympiad_id,
            "subject_code": schedule.subject_code,
            "round_code": slot.round_code,
            "position": position,
            "day": slot.day,
            "starts_at": slot.starts_at,
            "ends_at": slot.ends_at,
            "end_warnings": slot.end_warnings.value,
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
                    "rooms": _rooms_json(venue),
                }
                for position, venue in enumerate(olympiad.venues)
            ],
        )


def _rooms_json(venue: Venue) -> list[dict[str, Any]]:
    rooms: list[dict[str, Any]] = []
    for room in venue.rooms:
        stored: dict[str, Any] = {"name": room.name, "capacity": room.capacity}
        if room.has_layout:
            stored |= {"rows": room.rows, "desks_per_row": room.desks_per_row}
        rooms.append(stored)
    return rooms


def _room(stored: dict[str, Any]) -> Room:
    rows, desks = stored.get("rows"), stored.get("desks_per_row")
    return Room(
        stored["name"],
        int(stored["capacity"]),
        None if rows is None else int(rows),
        None if desks is None else int(desks),
    )


async def save_venue(session: AsyncSession, olympiad_id: uuid.UUID, venue: Venue) -> None:
    """Insert the venue, or replace the rooms and address of the venue of the same name."""
    statement = pg_insert(venues).values(
        olympiad_id=olympiad_id,
        name=venue.name,
        position=sa.select(sa.func.coalesce(sa.func.max(venues.c.position) + 1, 0))
        .where(venues.c.olympiad_id == olympiad_id)
        .scalar_subquery(),
        address=venue.address,
        rooms=_rooms_json(venue),
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[venues.c.olympiad_id, venues.c.name],
            set_={"address": statement.excluded.address, "rooms": statement.excluded.rooms},
        )
    )


async def save_end_warnings(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    subject_code: str,
    round_code: str,
    warnings: EndWarnings,
) -> None:
    await session.execute(
        sa.update(olympiad_rounds)
        .where(
            olympiad_rounds.c.olympiad_id == olympiad_id,
            olympiad_rounds.c.subject_code == subject_code,
            olympiad_rounds.c.round_code == round_code,
        )
        .values(end_warnings=warnings.value)
    )


async def lock_olympiad(session: AsyncSession, olympiad_id: uuid.UUID) -> bool:
    """Lock the olympiad's row until commit: its venues and seating change one at a time."""
    found = await session.scalar(
        sa.select(olympiads.c.olympiad_id)
        .where(olympiads.c.olympiad_id == olympiad_id)
        .with_for_update()
    )
    return found is not None


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
        slot = RoundSlot(r.round_code, r.day, r.starts_at, r.ends_at, EndWarnings(r.end_warnings))
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
            Venue(v.name, tuple(_room(r) for r in v.rooms), v.address) for v in venue_rows
        ),
    )
    return StoredOlympiad(row.olympiad_id, olympiad, row.created_at, row.municipality_id)
