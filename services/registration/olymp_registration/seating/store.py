"""Seating tables (in the registration database): the plan of each venue's seating in a subject
and the seat of each seated participant."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_registration.seating.domain import Desk, RoomChoice, Seat
from olymp_registration.store import metadata

seating_plans = sa.Table(
    "seating_plans",
    metadata,
    sa.Column(
        "olympiad_id", UUID(as_uuid=True), sa.ForeignKey("olympiads.olympiad_id"), primary_key=True
    ),
    sa.Column("subject_code", sa.Text, primary_key=True),
    sa.Column("venue", sa.Text, primary_key=True),
    # [{"room": …, "grades": [7, 8], "special_conditions": false}, …] in the plan's order
    sa.Column("rooms", JSONB, nullable=False),
    # how many times the venue was seated: each reseat is a new version of the posted lists
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("seated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("seated_by", sa.Text, nullable=False),
    sa.Column("moved", sa.Integer, nullable=False),
    sa.Column("added", sa.Integer, nullable=False),
    sa.Column("released", sa.Integer, nullable=False),
)

seats = sa.Table(
    "seats",
    metadata,
    sa.Column(
        "participant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("participants.participant_id"),
        primary_key=True,
    ),
    sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
    sa.Column("subject_code", sa.Text, nullable=False),
    sa.Column("venue", sa.Text, nullable=False),
    sa.Column("room", sa.Text, nullable=False),
    sa.Column("row", sa.SmallInteger, nullable=False),
    sa.Column("desk", sa.SmallInteger, nullable=False),
    sa.ForeignKeyConstraint(
        ["olympiad_id", "subject_code", "venue"],
        [seating_plans.c.olympiad_id, seating_plans.c.subject_code, seating_plans.c.venue],
    ),
    # one participant per desk (§40)
    sa.UniqueConstraint(
        "olympiad_id", "subject_code", "venue", "room", "row", "desk", name="seats_one_per_desk"
    ),
)


@dataclass(frozen=True)
class StoredPlan:
    venue: str
    rooms: tuple[RoomChoice, ...]
    version: int
    seated_at: dt.datetime
    seated_by: str
    moved: int
    added: int
    released: int


async def get_plan(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str, venue: str
) -> StoredPlan | None:
    row = (
        await session.execute(
            sa.select(seating_plans).where(
                seating_plans.c.olympiad_id == olympiad_id,
                seating_plans.c.subject_code == subject_code,
                seating_plans.c.venue == venue,
            )
        )
    ).one_or_none()
    if row is None:
        return None
    return StoredPlan(
        venue=row.venue,
        rooms=tuple(
            RoomChoice(r["room"], tuple(r["grades"]), bool(r["special_conditions"]))
            for r in row.rooms
        ),
        version=row.version,
        seated_at=row.seated_at,
        seated_by=row.seated_by,
        moved=row.moved,
        added=row.added,
        released=row.released,
    )


async def seats_of(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str
) -> dict[uuid.UUID, tuple[str, Seat]]:
    """participant id → (venue, seat) of everyone seated in the subject."""
    rows = await session.execute(
        sa.select(seats).where(
            seats.c.olympiad_id == olympiad_id, seats.c.subject_code == subject_code
        )
    )
    return {r.participant_id: (r.venue, Seat(r.room, Desk(r.row, r.desk))) for r in rows}


async def seats_at_venue(
    session: AsyncSession, olympiad_id: uuid.UUID, venue: str
) -> list[tuple[str, Seat]]:
    """(subject code, seat) of every seat at the venue, whatever the subject."""
    rows = await session.execute(
        sa.select(seats.c.subject_code, seats.c.room, seats.c.row, seats.c.desk)
        .where(seats.c.olympiad_id == olympiad_id, seats.c.venue == venue)
        .order_by(seats.c.subject_code, seats.c.room, seats.c.desk, seats.c.row)
    )
    return [(r.subject_code, Seat(r.room, Desk(r.row, r.desk))) for r in rows]


async def save_seating(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    subject_code: str,
    plan: StoredPlan,
    placed: Mapping[uuid.UUID, Seat],
) -> None:
    """Replace the venue's plan and seats with these (the plan's version is the caller's)."""
    values = {
        "olympiad_id": olympiad_id,
        "subject_code": subject_code,
        "venue": plan.venue,
        "rooms": [
            {"room": r.room, "grades": list(r.grades), "special_conditions": r.special_conditions}
            for r in plan.rooms
        ],
        "version": plan.version,
        "seated_at": plan.seated_at,
        "seated_by": plan.seated_by,
        "moved": plan.moved,
        "added": plan.added,
        "released": plan.released,
    }
    statement = pg_insert(seating_plans).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[
                seating_plans.c.olympiad_id,
                seating_plans.c.subject_code,
                seating_plans.c.venue,
            ],
            set_={key: statement.excluded[key] for key in values if key not in _PLAN_KEY},
        )
    )
    await session.execute(
        sa.delete(seats).where(
            seats.c.olympiad_id == olympiad_id,
            seats.c.subject_code == subject_code,
            seats.c.venue == plan.venue,
        )
    )
    if placed:
        await session.execute(
            sa.insert(seats),
            [
                {
                    "participant_id": participant_id,
                    "olympiad_id": olympiad_id,
                    "subject_code": subject_code,
                    "venue": plan.venue,
                    "room": seat.room,
                    "row": seat.desk.row,
                    "desk": seat.desk.number,
                }
                for participant_id, seat in placed.items()
            ],
        )


_PLAN_KEY = frozenset({"olympiad_id", "subject_code", "venue"})


async def free_seats(session: AsyncSession, participant_ids: Sequence[uuid.UUID]) -> None:
    """Free the desks of these participants (a withdrawn application)."""
    if participant_ids:
        await session.execute(sa.delete(seats).where(seats.c.participant_id.in_(participant_ids)))
