"""What the approval of final results reads and writes: submissions, appeal states, rounds."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_core.subject_grade import SubjectGrade
from olymp_publishing.store.tables import appeal_states, final_submissions, subject_rounds


async def save_last_rounds(
    session: AsyncSession, olympiad_id: uuid.UUID, last_rounds: Mapping[str, dt.datetime]
) -> None:
    if not last_rounds:
        return
    statement = pg_insert(subject_rounds).values(
        [
            {"olympiad_id": olympiad_id, "subject_code": code, "last_round_ends_at": ends_at}
            for code, ends_at in last_rounds.items()
        ]
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["olympiad_id", "subject_code"],
            set_={"last_round_ends_at": statement.excluded.last_round_ends_at},
        )
    )


async def last_round_ends_at(session: AsyncSession, key: SubjectGrade) -> dt.datetime | None:
    found: dt.datetime | None = await session.scalar(
        sa.select(subject_rounds.c.last_round_ends_at).where(
            subject_rounds.c.olympiad_id == key.olympiad_id,
            subject_rounds.c.subject_code == key.subject_code,
        )
    )
    return found


async def save_appeal_state(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    subject_code: str,
    *,
    deadline: dt.datetime,
    undecided_by_grade: Mapping[str, int],
    revision: int,
    at: dt.datetime,
) -> None:
    """Keep the statement unless one with a higher revision is already kept."""
    statement = pg_insert(appeal_states).values(
        olympiad_id=olympiad_id,
        subject_code=subject_code,
        deadline=deadline,
        undecided_by_grade=dict(undecided_by_grade),
        revision=revision,
        received_at=at,
    )
    columns = ("deadline", "undecided_by_grade", "revision", "received_at")
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["olympiad_id", "subject_code"],
            set_={c: statement.excluded[c] for c in columns},
            where=appeal_states.c.revision < statement.excluded.revision,
        )
    )


@dataclass(frozen=True)
class AppealState:
    deadline: dt.datetime
    undecided_by_grade: dict[str, int]


async def appeal_state(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str
) -> AppealState | None:
    row = (
        await session.execute(
            sa.select(appeal_states.c.deadline, appeal_states.c.undecided_by_grade).where(
                appeal_states.c.olympiad_id == olympiad_id,
                appeal_states.c.subject_code == subject_code,
            )
        )
    ).first()
    return None if row is None else AppealState(row[0], dict(row[1]))


async def save_submission(
    session: AsyncSession, key: SubjectGrade, by: str, at: dt.datetime
) -> None:
    statement = pg_insert(final_submissions).values(
        olympiad_id=key.olympiad_id,
        subject_code=key.subject_code,
        grade=key.grade,
        submitted_by=by,
        submitted_at=at,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["olympiad_id", "subject_code", "grade"],
            set_={"submitted_by": by, "submitted_at": at},
        )
    )


@dataclass(frozen=True)
class Submission:
    submitted_by: str
    submitted_at: dt.datetime


async def submission(session: AsyncSession, key: SubjectGrade) -> Submission | None:
    row = (
        await session.execute(
            sa.select(final_submissions.c.submitted_by, final_submissions.c.submitted_at).where(
                key.where(final_submissions)
            )
        )
    ).first()
    return None if row is None else Submission(row[0], row[1])


async def clear_submission(session: AsyncSession, key: SubjectGrade) -> None:
    await session.execute(sa.delete(final_submissions).where(key.where(final_submissions)))
