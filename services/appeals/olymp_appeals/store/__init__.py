"""Repositories of the appeals service: they take the session and never commit."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_appeals.domain.schedule import Procedure, ShowSchedule
from olymp_appeals.store.tables import (
    appeal_votes,
    appeal_windows,
    appeals,
    commissions,
    olympiads,
    participants,
    works,
)
from olymp_appeals.store.tables import (
    metadata as metadata,
)
from olymp_core.contracts.appeals import AppealOutcome


def scores_json(scores: dict[int, Decimal] | dict[str, Decimal]) -> dict[str, str]:
    return {str(number): str(score) for number, score in scores.items()}


def scores_from_json(stored: dict[str, Any] | None) -> dict[str, Decimal]:
    return {key: Decimal(str(value)) for key, value in (stored or {}).items()}


@dataclass(frozen=True)
class Window:
    analysis_and_show_ends_at: dt.datetime
    time_zone: str
    deadline: dt.datetime
    opens_at: dt.datetime | None = None
    schedule: ShowSchedule | None = None


def schedule_to_json(schedule: ShowSchedule) -> dict[str, Any]:
    return {name: _procedure_to_json(getattr(schedule, name)) for name in ("analysis", "show")}


def schedule_from_json(stored: dict[str, Any] | None) -> ShowSchedule | None:
    if not stored:
        return None
    return ShowSchedule(
        _procedure_from_json(stored["analysis"]), _procedure_from_json(stored["show"])
    )


def _procedure_to_json(procedure: Procedure) -> dict[str, str]:
    return {
        "starts_at": procedure.starts_at.isoformat(),
        "ends_at": procedure.ends_at.isoformat(),
        "place": procedure.place,
        "online_url": procedure.online_url,
    }


def _procedure_from_json(stored: dict[str, str]) -> Procedure:
    return Procedure(
        dt.datetime.fromisoformat(stored["starts_at"]),
        dt.datetime.fromisoformat(stored["ends_at"]),
        stored["place"],
        stored["online_url"],
    )


@dataclass(frozen=True)
class WorkRow:
    work_code: str
    grade: int
    participant_id: uuid.UUID | None
    task_scores: dict[str, Decimal] | None
    task_max: dict[str, Decimal] | None
    annulled: bool


@dataclass(frozen=True)
class AppealRow:
    appeal_id: uuid.UUID
    olympiad_id: uuid.UUID
    subject_code: str
    grade: int
    participant_id: uuid.UUID
    work_code: str
    task_numbers: tuple[int, ...]
    statement: str
    review_without_participant: bool
    filed_at: dt.datetime
    deadline: dt.datetime
    attendance: str | None
    status: str
    outcome: str | None
    new_task_scores: dict[str, Decimal] | None
    decided_at: dt.datetime | None
    scores_before: dict[str, Decimal] | None = None  # the work as the decision found it


@dataclass(frozen=True)
class VoteRow:
    member_id: str
    outcome: AppealOutcome
    new_task_scores: dict[str, Decimal]


async def save_olympiad(
    session: AsyncSession, olympiad_id: uuid.UUID, title: str, time_zone: str, at: dt.datetime
) -> None:
    statement = pg_insert(olympiads).values(
        olympiad_id=olympiad_id, title=title, time_zone=time_zone, received_at=at
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["olympiad_id"],
            set_={"title": statement.excluded.title, "time_zone": statement.excluded.time_zone},
        )
    )


async def olympiad_title_and_zone(
    session: AsyncSession, olympiad_id: uuid.UUID
) -> tuple[str, str] | None:
    row = (
        await session.execute(
            sa.select(olympiads.c.title, olympiads.c.time_zone).where(
                olympiads.c.olympiad_id == olympiad_id
            )
        )
    ).first()
    return None if row is None else (row.title, row.time_zone)


async def olympiad_zone(session: AsyncSession, olympiad_id: uuid.UUID) -> str | None:
    """The olympiad's IANA zone as registration announced it, or None if not heard of."""
    zone: str | None = await session.scalar(
        sa.select(olympiads.c.time_zone).where(olympiads.c.olympiad_id == olympiad_id)
    )
    return zone


async def upsert_window(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    subject_code: str,
    window: Window,
    at: dt.datetime,
) -> None:
    values = {
        "analysis_and_show_ends_at": window.analysis_and_show_ends_at,
        "time_zone": window.time_zone,
        "deadline": window.deadline,
        "opens_at": window.opens_at,
        "schedule": schedule_to_json(window.schedule) if window.schedule else None,
        "set_at": at,
    }
    statement = pg_insert(appeal_windows).values(
        olympiad_id=olympiad_id, subject_code=subject_code, **values
    )
    await session.execute(
        statement.on_conflict_do_update(index_elements=["olympiad_id", "subject_code"], set_=values)
    )


async def get_window(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str
) -> Window | None:
    row = (
        await session.execute(
            sa.select(
                appeal_windows.c.analysis_and_show_ends_at,
                appeal_windows.c.time_zone,
                appeal_windows.c.deadline,
                appeal_windows.c.opens_at,
                appeal_windows.c.schedule,
            ).where(
                appeal_windows.c.olympiad_id == olympiad_id,
                appeal_windows.c.subject_code == subject_code,
            )
        )
    ).one_or_none()
    return None if row is None else _window(row)


async def windows_of(session: AsyncSession, olympiad_id: uuid.UUID) -> dict[str, Window]:
    """Every subject's window of the olympiad, by subject code (the public schedule)."""
    rows = await session.execute(
        sa.select(
            appeal_windows.c.subject_code,
            appeal_windows.c.analysis_and_show_ends_at,
            appeal_windows.c.time_zone,
            appeal_windows.c.deadline,
            appeal_windows.c.opens_at,
            appeal_windows.c.schedule,
        )
        .where(appeal_windows.c.olympiad_id == olympiad_id)
        .order_by(appeal_windows.c.subject_code)
    )
    return {row.subject_code: _window(row[1:]) for row in rows}


def _window(row: Any) -> Window:
    ends_at, time_zone, deadline, opens_at, schedule = row
    return Window(ends_at, time_zone, deadline, opens_at, schedule_from_json(schedule))


async def next_state_revision(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str
) -> tuple[int, dt.datetime] | None:
    """The subject's next state revision and its deadline; the window row stays locked until
    the transaction ends, so statements are numbered in commit order. None: no window yet."""
    row = (
        await session.execute(
            sa.update(appeal_windows)
            .where(
                appeal_windows.c.olympiad_id == olympiad_id,
                appeal_windows.c.subject_code == subject_code,
            )
            .values(state_revision=appeal_windows.c.state_revision + 1)
            .returning(appeal_windows.c.state_revision, appeal_windows.c.deadline)
        )
    ).one_or_none()
    return None if row is None else (int(row[0]), row[1])


async def undecided_by_grade(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str
) -> dict[int, int]:
    rows = await session.execute(
        sa.select(appeals.c.grade, sa.func.count())
        .where(
            appeals.c.olympiad_id == olympiad_id,
            appeals.c.subject_code == subject_code,
            appeals.c.decided_at.is_(None),
        )
        .group_by(appeals.c.grade)
    )
    return {int(grade): int(count) for grade, count in rows.all()}


async def upsert_commission(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    subject_code: str,
    members: list[str],
    chair: str,
    at: dt.datetime,
) -> None:
    values = {"members": members, "chair": chair, "set_at": at}
    statement = pg_insert(commissions).values(
        olympiad_id=olympiad_id, subject_code=subject_code, **values
    )
    await session.execute(
        statement.on_conflict_do_update(index_elements=["olympiad_id", "subject_code"], set_=values)
    )


async def get_commission(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str
) -> tuple[list[str], str] | None:
    row = (
        await session.execute(
            sa.select(commissions.c.members, commissions.c.chair).where(
                commissions.c.olympiad_id == olympiad_id,
                commissions.c.subject_code == subject_code,
            )
        )
    ).one_or_none()
    return None if row is None else (list(row.members), str(row.chair))


async def subject_has_votes(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str
) -> bool:
    query = (
        sa.select(sa.literal(1))
        .select_from(appeal_votes.join(appeals))
        .where(appeals.c.olympiad_id == olympiad_id, appeals.c.subject_code == subject_code)
        .limit(1)
    )
    return (await session.execute(query)).first() is not None


async def record_decoding(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: int,
    pairs: list[tuple[str, uuid.UUID]],
) -> None:
    for work_code, participant_id in pairs:
        statement = pg_insert(works).values(
            olympiad_id=olympiad_id,
            subject_code=subject_code,
            work_code=work_code,
            grade=grade,
            participant_id=participant_id,
        )
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["olympiad_id", "subject_code", "work_code"],
                set_={"participant_id": participant_id},
            )
        )


async def record_scores(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: int,
    work_code: str,
    task_scores: dict[str, Decimal],
    task_max: dict[str, Decimal] | None,
    annulled: bool,
) -> None:
    values: dict[str, Any] = {"task_scores": scores_json(task_scores), "annulled": annulled}
    if task_max is not None:
        values["task_max"] = scores_json(task_max)
    statement = pg_insert(works).values(
        olympiad_id=olympiad_id,
        subject_code=subject_code,
        work_code=work_code,
        grade=grade,
        **values,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["olympiad_id", "subject_code", "work_code"], set_=values
        )
    )


async def find_work(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str, participant_id: uuid.UUID
) -> WorkRow | None:
    return await _one_work(
        session,
        works.c.olympiad_id == olympiad_id,
        works.c.subject_code == subject_code,
        works.c.participant_id == participant_id,
    )


async def get_work(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str, work_code: str
) -> WorkRow | None:
    return await _one_work(
        session,
        works.c.olympiad_id == olympiad_id,
        works.c.subject_code == subject_code,
        works.c.work_code == work_code,
    )


async def _one_work(session: AsyncSession, *where: sa.ColumnElement[bool]) -> WorkRow | None:
    row = (
        await session.execute(
            sa.select(
                works.c.work_code,
                works.c.grade,
                works.c.participant_id,
                works.c.task_scores,
                works.c.task_max,
                works.c.annulled,
            ).where(*where)
        )
    ).one_or_none()
    if row is None:
        return None
    return WorkRow(
        row.work_code,
        row.grade,
        row.participant_id,
        None if row.task_scores is None else scores_from_json(row.task_scores),
        None if row.task_max is None else scores_from_json(row.task_max),
        row.annulled,
    )


@dataclass(frozen=True)
class ParticipantWork:
    """One decoded and checked work of a participant, as the participant may read it."""

    subject_code: str
    work: WorkRow


async def works_of_participant(
    session: AsyncSession, olympiad_id: uuid.UUID, participant_id: uuid.UUID
) -> list[ParticipantWork]:
    """The participant's works that are decoded and checked (never another participant's)."""
    rows = await session.execute(
        sa.select(
            works.c.subject_code,
            works.c.work_code,
            works.c.grade,
            works.c.participant_id,
            works.c.task_scores,
            works.c.task_max,
            works.c.annulled,
        )
        .where(
            works.c.olympiad_id == olympiad_id,
            works.c.participant_id == participant_id,
            works.c.task_scores.is_not(None),
        )
        .order_by(works.c.subject_code)
    )
    return [
        ParticipantWork(
            row.subject_code,
            WorkRow(
                row.work_code,
                row.grade,
                row.participant_id,
                scores_from_json(row.task_scores),
                None if row.task_max is None else scores_from_json(row.task_max),
                row.annulled,
            ),
        )
        for row in rows
    ]


async def appeals_of_participant(
    session: AsyncSession, olympiad_id: uuid.UUID, participant_id: uuid.UUID
) -> dict[str, AppealRow]:
    rows = await session.execute(
        sa.select(appeals).where(
            appeals.c.olympiad_id == olympiad_id, appeals.c.participant_id == participant_id
        )
    )
    return {row.subject_code: _appeal(row) for row in rows}


async def find_appeal_of(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str, participant_id: uuid.UUID
) -> uuid.UUID | None:
    found = await session.execute(
        sa.select(appeals.c.appeal_id).where(
            appeals.c.olympiad_id == olympiad_id,
            appeals.c.subject_code == subject_code,
            appeals.c.participant_id == participant_id,
        )
    )
    return found.scalar_one_or_none()


async def insert_appeal(session: AsyncSession, **values: Any) -> None:
    await session.execute(sa.insert(appeals).values(**values))


async def get_appeal(
    session: AsyncSession, olympiad_id: uuid.UUID, appeal_id: uuid.UUID, *, for_update: bool = False
) -> AppealRow | None:
    query = sa.select(appeals).where(
        appeals.c.olympiad_id == olympiad_id, appeals.c.appeal_id == appeal_id
    )
    if for_update:
        query = query.with_for_update()
    row = (await session.execute(query)).one_or_none()
    return None if row is None else _appeal(row)


async def list_appeals(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str | None
) -> list[AppealRow]:
    query = sa.select(appeals).where(appeals.c.olympiad_id == olympiad_id)
    if subject_code is not None:
        query = query.where(appeals.c.subject_code == subject_code)
    rows = await session.execute(query.order_by(appeals.c.filed_at, appeals.c.appeal_id))
    return [_appeal(row) for row in rows]


async def update_appeal(session: AsyncSession, appeal_id: uuid.UUID, **values: Any) -> None:
    await session.execute(
        sa.update(appeals).where(appeals.c.appeal_id == appeal_id).values(**values)
    )


async def upsert_vote(
    session: AsyncSession,
    appeal_id: uuid.UUID,
    member_id: str,
    outcome: AppealOutcome,
    new_task_scores: dict[int, Decimal],
    at: dt.datetime,
) -> None:
    values = {
        "outcome": outcome.value,
        "new_task_scores": scores_json(new_task_scores),
        "cast_at": at,
    }
    statement = pg_insert(appeal_votes).values(appeal_id=appeal_id, member_id=member_id, **values)
    await session.execute(
        statement.on_conflict_do_update(index_elements=["appeal_id", "member_id"], set_=values)
    )


async def list_votes(session: AsyncSession, appeal_id: uuid.UUID) -> list[VoteRow]:
    rows = await session.execute(
        sa.select(appeal_votes.c.member_id, appeal_votes.c.outcome, appeal_votes.c.new_task_scores)
        .where(appeal_votes.c.appeal_id == appeal_id)
        .order_by(appeal_votes.c.member_id)
    )
    return [
        VoteRow(r.member_id, AppealOutcome(r.outcome), scores_from_json(r.new_task_scores))
        for r in rows
    ]


def _appeal(row: sa.Row[Any]) -> AppealRow:
    return AppealRow(
        appeal_id=row.appeal_id,
        olympiad_id=row.olympiad_id,
        subject_code=row.subject_code,
        grade=row.grade,
        participant_id=row.participant_id,
        work_code=row.work_code,
        task_numbers=tuple(int(n) for n in row.task_numbers),
        statement=row.statement,
        review_without_participant=row.review_without_participant,
        filed_at=row.filed_at,
        deadline=row.deadline,
        attendance=row.attendance,
        status=row.status,
        outcome=row.outcome,
        new_task_scores=(
            None if row.new_task_scores is None else scores_from_json(row.new_task_scores)
        ),
        decided_at=row.decided_at,
        scores_before=None if row.scores_before is None else scores_from_json(row.scores_before),
    )


@dataclass(frozen=True)
class Person:
    surname: str
    name: str
    patronymic: str
    grade: int
    school: str

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.surname, self.name, self.patronymic) if part)


async def save_participant(
    session: AsyncSession, olympiad_id: uuid.UUID, participant_id: uuid.UUID, person: Person
) -> None:
    values = {
        "surname": person.surname,
        "name": person.name,
        "patronymic": person.patronymic,
        "grade": person.grade,
        "school": person.school,
    }
    statement = pg_insert(participants).values(
        participant_id=participant_id, olympiad_id=olympiad_id, **values
    )
    await session.execute(
        statement.on_conflict_do_update(index_elements=["participant_id"], set_=values)
    )


async def person_of(session: AsyncSession, participant_id: uuid.UUID) -> Person | None:
    row = (
        await session.execute(
            sa.select(
                participants.c.surname,
                participants.c.name,
                participants.c.patronymic,
                participants.c.grade,
                participants.c.school,
            ).where(participants.c.participant_id == participant_id)
        )
    ).first()
    return None if row is None else Person(*row)
