"""Set-up tables (in the registration database): each round's briefing and the commissions'
members with their declared conflicts of interest."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_registration.domain import RoundSlot
from olymp_registration.setup.domain import (
    Commission,
    Conflict,
    ConflictKind,
    Member,
    Position,
    SchoolOfParticipants,
    Seat,
)
from olymp_registration.store import metadata, olympiad_rounds, participants, withdrawals

# §32: the briefing before the round, local wall-clock time on the round's day.
round_briefings = sa.Table(
    "round_briefings",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.Text, primary_key=True),
    sa.Column("round_code", sa.Text, primary_key=True),
    sa.Column("briefing_at", sa.Time, nullable=False),
    sa.ForeignKeyConstraint(
        ["olympiad_id", "subject_code", "round_code"],
        [
            olympiad_rounds.c.olympiad_id,
            olympiad_rounds.c.subject_code,
            olympiad_rounds.c.round_code,
        ],
    ),
)

commission_members = sa.Table(
    "commission_members",
    metadata,
    sa.Column("member_id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "olympiad_id", UUID(as_uuid=True), sa.ForeignKey("olympiads.olympiad_id"), nullable=False
    ),
    sa.Column("commission", sa.Text, nullable=False),
    # None for the orgcommittee, which is one for the olympiad
    sa.Column("subject_code", sa.Text),
    sa.Column("position", sa.Text, nullable=False),
    sa.Column("surname", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("patronymic", sa.Text, nullable=False),
    sa.Column("login", sa.Text, nullable=False),
    # [{"kind": "works_there" | "relative_studies", "school": …, "note": …}, …] as declared
    sa.Column("conflicts", JSONB, nullable=False),
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("changed_by", sa.Text, nullable=False),
    sa.Index("commission_members_by_olympiad", "olympiad_id", "commission", "subject_code"),
)


async def save_round(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    subject_code: str,
    slot: RoundSlot,
    briefing_at: dt.time | None,
) -> None:
    """Insert the round, or change the day and times of the subject's round of that code."""
    position = (
        sa.select(sa.func.coalesce(sa.func.min(olympiad_rounds.c.position), 0))
        .where(
            olympiad_rounds.c.olympiad_id == olympiad_id,
            olympiad_rounds.c.subject_code == subject_code,
        )
        .scalar_subquery()
    )
    statement = pg_insert(olympiad_rounds).values(
        olympiad_id=olympiad_id,
        subject_code=subject_code,
        round_code=slot.round_code,
        position=position,
        day=slot.day,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        end_warnings=slot.end_warnings.value,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[
                olympiad_rounds.c.olympiad_id,
                olympiad_rounds.c.subject_code,
                olympiad_rounds.c.round_code,
            ],
            set_={
                "day": statement.excluded.day,
                "starts_at": statement.excluded.starts_at,
                "ends_at": statement.excluded.ends_at,
            },
        )
    )
    key = (
        round_briefings.c.olympiad_id == olympiad_id,
        round_briefings.c.subject_code == subject_code,
        round_briefings.c.round_code == slot.round_code,
    )
    await session.execute(sa.delete(round_briefings).where(*key))
    if briefing_at is not None:
        await session.execute(
            sa.insert(round_briefings).values(
                olympiad_id=olympiad_id,
                subject_code=subject_code,
                round_code=slot.round_code,
                briefing_at=briefing_at,
            )
        )


async def briefings(
    session: AsyncSession, olympiad_id: uuid.UUID
) -> dict[tuple[str, str], dt.time]:
    """(subject_code, round_code) → the briefing's local time, for the rounds that have one."""
    rows = await session.execute(
        sa.select(round_briefings).where(round_briefings.c.olympiad_id == olympiad_id)
    )
    return {(r.subject_code, r.round_code): r.briefing_at for r in rows}


def _member_values(member: Member) -> dict[str, Any]:
    return {
        "commission": member.commission.value,
        "subject_code": member.subject_code,
        "position": member.position.value,
        "surname": member.surname,
        "name": member.name,
        "patronymic": member.patronymic,
        "login": member.login,
        "conflicts": [
            {"kind": c.kind.value, "school": c.school, "note": c.note} for c in member.conflicts
        ],
    }


async def add_member(
    session: AsyncSession, olympiad_id: uuid.UUID, seat: Seat, *, at: dt.datetime, by: str
) -> None:
    await session.execute(
        sa.insert(commission_members).values(
            member_id=seat.member_id,
            olympiad_id=olympiad_id,
            added_at=at,
            changed_at=at,
            changed_by=by,
            **_member_values(seat.member),
        )
    )


async def update_member(
    session: AsyncSession, olympiad_id: uuid.UUID, seat: Seat, *, at: dt.datetime, by: str
) -> None:
    await session.execute(
        sa.update(commission_members)
        .where(
            commission_members.c.olympiad_id == olympiad_id,
            commission_members.c.member_id == seat.member_id,
        )
        .values(changed_at=at, changed_by=by, **_member_values(seat.member))
    )


async def delete_member(
    session: AsyncSession, olympiad_id: uuid.UUID, member_id: uuid.UUID
) -> None:
    await session.execute(
        sa.delete(commission_members).where(
            commission_members.c.olympiad_id == olympiad_id,
            commission_members.c.member_id == member_id,
        )
    )


async def members(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    *,
    commission: Commission | None = None,
    subject_code: str | None = None,
) -> list[Seat]:
    """The members in the order they were added; filtered by commission and subject if given."""
    query = sa.select(commission_members).where(commission_members.c.olympiad_id == olympiad_id)
    if commission is not None:
        query = query.where(
            commission_members.c.commission == commission.value,
            commission_members.c.subject_code.is_not_distinct_from(subject_code),
        )
    rows = await session.execute(
        query.order_by(commission_members.c.added_at, commission_members.c.member_id)
    )
    return [_seat(r) for r in rows]


def _seat(row: Any) -> Seat:
    return Seat(
        row.member_id,
        Member(
            commission=Commission(row.commission),
            subject_code=row.subject_code,
            position=Position(row.position),
            surname=row.surname,
            name=row.name,
            patronymic=row.patronymic,
            login=row.login,
            conflicts=tuple(
                Conflict(ConflictKind(c["kind"]), c["school"], c.get("note", ""))
                for c in row.conflicts
            ),
        ),
    )


async def schools_of_participants(
    session: AsyncSession, olympiad_id: uuid.UUID
) -> dict[str, list[SchoolOfParticipants]]:
    """subject_code → each school with the number of its participants not withdrawn."""
    withdrawn = sa.exists().where(withdrawals.c.participant_id == participants.c.participant_id)
    rows = await session.execute(
        sa.select(participants.c.subject_code, participants.c.school, sa.func.count())
        .where(participants.c.olympiad_id == olympiad_id, ~withdrawn)
        .group_by(participants.c.subject_code, participants.c.school)
    )
    found: dict[str, list[SchoolOfParticipants]] = {}
    for subject_code, school, count in rows:
        found.setdefault(subject_code, []).append(SchoolOfParticipants(school, int(count)))
    return found
