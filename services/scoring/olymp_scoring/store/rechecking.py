"""Re-checking (§21; seed 000 §2): the organiser's seeded samples, the works to re-check, the
re-check queue's claims and the re-check points, all apart from the marks and the official scores.

A re-check row is only written while it is locked (`get_recheck(lock=True)` or the queue's
`FOR UPDATE SKIP LOCKED`), so a member's claim and points are decided on the row as it stands.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_core.subject_grade import SubjectGrade
from olymp_scoring.domain import WorkStatus
from olymp_scoring.domain.rechecking import RecheckOrigin, RecheckSample
from olymp_scoring.store.checking import task_points, task_points_json
from olymp_scoring.store.tables import marks, recheck_samples, rechecks, works


@dataclass(frozen=True)
class RecheckRow:
    work_code: str
    origin: RecheckOrigin
    sample_id: uuid.UUID | None
    requested_by: str
    requested_at: dt.datetime
    reason: str
    claimed_by: str | None
    claim_expires_at: dt.datetime | None
    rechecked_by: str | None
    rechecked_at: dt.datetime | None
    task_scores: dict[int, Decimal] | None

    def held_by(self, member: str, now: dt.datetime) -> bool:
        return (
            self.claimed_by == member
            and self.claim_expires_at is not None
            and self.claim_expires_at > now
        )

    def held_by_another(self, member: str, now: dt.datetime) -> bool:
        return (
            self.claimed_by not in (None, member)
            and self.claim_expires_at is not None
            and self.claim_expires_at > now
        )


def _recheck_row(row: sa.Row[Any]) -> RecheckRow:
    return RecheckRow(
        work_code=row.work_code,
        origin=RecheckOrigin(row.origin),
        sample_id=row.sample_id,
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        reason=row.reason,
        claimed_by=row.claimed_by,
        claim_expires_at=row.claim_expires_at,
        rechecked_by=row.rechecked_by,
        rechecked_at=row.rechecked_at,
        task_scores=task_points(row.task_scores),
    )


def _of_work() -> sa.ColumnElement[bool]:
    return sa.and_(
        rechecks.c.olympiad_id == works.c.olympiad_id, rechecks.c.work_code == works.c.work_code
    )


async def eligible_for_sample(session: AsyncSession, key: SubjectGrade) -> list[str]:
    """Checked works the jury marked (not the testing system's) that are not re-checked yet."""
    already = sa.select(rechecks.c.work_code).where(_of_work()).exists()
    found = await session.scalars(
        sa.select(works.c.work_code)
        .where(
            key.where(works),
            works.c.status == WorkStatus.CHECKED.value,
            works.c.checked_automatically.is_(False),
            ~already,
        )
        .order_by(works.c.work_code)
    )
    return list(found)


async def save_sample(session: AsyncSession, key: SubjectGrade, sample: RecheckSample) -> None:
    await session.execute(
        sa.insert(recheck_samples).values(
            sample_id=sample.sample_id,
            olympiad_id=key.olympiad_id,
            subject_code=key.subject_code,
            grade=key.grade,
            seed=sample.seed,
            eligible=sample.eligible,
            drawn=sample.drawn,
            drawn_at=sample.drawn_at,
            drawn_by=sample.drawn_by,
        )
    )


async def list_samples(session: AsyncSession, key: SubjectGrade) -> list[RecheckSample]:
    rows = await session.execute(
        sa.select(recheck_samples)
        .where(key.where(recheck_samples))
        .order_by(recheck_samples.c.drawn_at, recheck_samples.c.sample_id)
    )
    return [
        RecheckSample(row.sample_id, row.seed, row.eligible, row.drawn, row.drawn_at, row.drawn_by)
        for row in rows
    ]


async def add_rechecks(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    work_codes: Sequence[str],
    *,
    origin: RecheckOrigin,
    sample_id: uuid.UUID | None,
    requested_by: str,
    requested_at: dt.datetime,
    reason: str = "",
) -> list[str]:
    """Put the works up for re-checking; returns those added (a work already up stays as it is)."""
    if not work_codes:
        return []
    result = await session.execute(
        pg_insert(rechecks)
        .values(
            [
                {
                    "olympiad_id": olympiad_id,
                    "work_code": code,
                    "origin": origin.value,
                    "sample_id": sample_id,
                    "requested_by": requested_by,
                    "requested_at": requested_at,
                    "reason": reason,
                }
                for code in work_codes
            ]
        )
        .on_conflict_do_nothing()
        .returning(rechecks.c.work_code)
    )
    return list(result.scalars())


async def get_recheck(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str, *, lock: bool = False
) -> RecheckRow | None:
    query = sa.select(rechecks).where(
        rechecks.c.olympiad_id == olympiad_id, rechecks.c.work_code == work_code
    )
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return _recheck_row(row) if row is not None else None


async def list_rechecks(session: AsyncSession, key: SubjectGrade) -> list[RecheckRow]:
    rows = await session.execute(
        sa.select(rechecks)
        .join(works, _of_work())
        .where(key.where(works))
        .order_by(rechecks.c.requested_at, rechecks.c.work_code)
    )
    return [_recheck_row(row) for row in rows]


async def held_recheck(
    session: AsyncSession, key: SubjectGrade, member: str, now: dt.datetime
) -> RecheckRow | None:
    """The re-check the member holds unexpired in this subject and grade, if any."""
    row = (
        await session.execute(
            sa.select(rechecks)
            .join(works, _of_work())
            .where(
                key.where(works),
                rechecks.c.rechecked_at.is_(None),
                rechecks.c.claimed_by == member,
                rechecks.c.claim_expires_at > now,
            )
            .order_by(rechecks.c.requested_at, rechecks.c.work_code)
            .limit(1)
        )
    ).first()
    return _recheck_row(row) if row is not None else None


async def next_recheck(
    session: AsyncSession, key: SubjectGrade, member: str, now: dt.datetime
) -> RecheckRow | None:
    """The next re-check open to `member`, locked: not done, not held by anyone, and of a work the
    member did not mark. Rows another member is taking at this instant are skipped."""
    marked_by_member = (
        sa.select(marks.c.id)
        .where(
            marks.c.olympiad_id == rechecks.c.olympiad_id,
            marks.c.work_code == rechecks.c.work_code,
            marks.c.jury_member_id == member,
        )
        .exists()
    )
    row = (
        await session.execute(
            sa.select(rechecks)
            .join(works, _of_work())
            .where(
                key.where(works),
                works.c.status == WorkStatus.CHECKED.value,  # annulled since: nothing to re-check
                rechecks.c.rechecked_at.is_(None),
                sa.or_(rechecks.c.claimed_by.is_(None), rechecks.c.claim_expires_at <= now),
                ~marked_by_member,
            )
            .order_by(rechecks.c.requested_at, rechecks.c.work_code)
            .limit(1)
            .with_for_update(of=rechecks, skip_locked=True)
        )
    ).first()
    return _recheck_row(row) if row is not None else None


def _row_of(olympiad_id: uuid.UUID, work_code: str) -> sa.ColumnElement[bool]:
    return sa.and_(rechecks.c.olympiad_id == olympiad_id, rechecks.c.work_code == work_code)


async def claim_recheck(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    work_code: str,
    member: str,
    expires_at: dt.datetime,
) -> None:
    await session.execute(
        sa.update(rechecks)
        .where(_row_of(olympiad_id, work_code))
        .values(claimed_by=member, claim_expires_at=expires_at)
    )


async def release_recheck(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str, member: str
) -> bool:
    result = await session.execute(
        sa.update(rechecks)
        .where(
            _row_of(olympiad_id, work_code),
            rechecks.c.claimed_by == member,
            rechecks.c.rechecked_at.is_(None),
        )
        .values(claimed_by=None, claim_expires_at=None)
        .returning(rechecks.c.work_code)
    )
    return result.first() is not None


async def save_recheck_scores(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    work_code: str,
    member: str,
    scores: Mapping[int, Decimal],
    at: dt.datetime,
) -> None:
    await session.execute(
        sa.update(rechecks)
        .where(_row_of(olympiad_id, work_code))
        .values(
            rechecked_by=member,
            rechecked_at=at,
            task_scores=task_points_json(scores),
            claimed_by=None,
            claim_expires_at=None,
        )
    )
