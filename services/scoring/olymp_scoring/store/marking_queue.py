"""The marking queue's claims and the members' walks through a subject and grade's works.

Claims and marks of a work are only written while its `works` row is locked (`get_work(lock=True)`),
so a count of them taken after that lock, in a new statement, is exact.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_core.db import lock_until_commit
from olymp_core.subject_grade import SubjectGrade
from olymp_scoring.domain import WorkStatus
from olymp_scoring.domain.claims import THIRD_MARKERS_AT_ONCE
from olymp_scoring.domain.work import MARKERS_PER_WORK
from olymp_scoring.store.checking import WorkRow, work_row
from olymp_scoring.store.tables import claim_cursors, claims, marks, works


@dataclass(frozen=True)
class ClaimRow:
    work_code: str
    jury_member_id: str
    expires_at: dt.datetime


# any constant: the class of the advisory locks that serialise one member's requests for a work
CLAIMANT_LOCK_CLASS = 0x73636F72


async def lock_claimant(session: AsyncSession, key: SubjectGrade, member: str) -> None:
    """Serialise, until commit, one member's requests for the next work of a subject and grade.

    A double click must not give a member two works: the second request waits, then finds the
    first one's claim. Taken before any work row, and no work-row holder waits for it, so the
    lock order stays deadlock-free; a hash collision only makes two members wait for each other.
    """
    await lock_until_commit(session, CLAIMANT_LOCK_CLASS, f"{key.object_id}/{member}")


def _claims_of_work() -> sa.ColumnElement[bool]:
    return sa.and_(
        claims.c.olympiad_id == works.c.olympiad_id, claims.c.work_code == works.c.work_code
    )


async def held_claims(
    session: AsyncSession, key: SubjectGrade, member: str, now: dt.datetime
) -> list[ClaimRow]:
    """The member's unexpired claims in this subject and grade (one, unless a rule changed)."""
    rows = await session.execute(
        sa.select(claims.c.work_code, claims.c.jury_member_id, claims.c.expires_at)
        .join(works, _claims_of_work())
        .where(key.where(works), claims.c.jury_member_id == member, claims.c.expires_at > now)
        .order_by(claims.c.claimed_at, claims.c.work_code)
    )
    return [ClaimRow(row.work_code, row.jury_member_id, row.expires_at) for row in rows]


async def active_claims(
    session: AsyncSession, key: SubjectGrade, now: dt.datetime
) -> list[ClaimRow]:
    """Every unexpired claim of this subject and grade."""
    rows = await session.execute(
        sa.select(claims.c.work_code, claims.c.jury_member_id, claims.c.expires_at)
        .join(works, _claims_of_work())
        .where(key.where(works), claims.c.expires_at > now)
        .order_by(claims.c.jury_member_id, claims.c.expires_at, claims.c.work_code)
    )
    return [ClaimRow(row.work_code, row.jury_member_id, row.expires_at) for row in rows]


@dataclass(frozen=True)
class Candidate:
    """A work the queue found for a member (locked, when the search was asked to lock)."""

    work: WorkRow
    queue_rank: float
    # found by the member's walk through the random order, not as a third mark or a work they
    # gave back: their next walk goes on after it (move_cursor)
    walked: bool


def _marks_of_work() -> sa.ColumnElement[bool]:
    return sa.and_(
        marks.c.olympiad_id == works.c.olympiad_id, marks.c.work_code == works.c.work_code
    )


def _open_to(member: str, now: dt.datetime) -> list[sa.ColumnElement[bool]]:
    """The work admits `member` now: `domain.claims.may_take`, as conditions on a works row.

    Each is a scalar subquery, evaluated only for the rows the index walk passes, a few index
    probes each. (PostgreSQL turns a `NOT EXISTS` into an anti-join, whose inner side it may
    plan as a scan of every mark of the member, repeated for each row passed.)
    """
    marked_by = (
        sa.select(sa.func.count(sa.distinct(marks.c.jury_member_id)))
        .where(_marks_of_work())
        .scalar_subquery()
    )
    claimed_by_others = (
        sa.select(sa.func.count())
        .select_from(claims)
        .where(_claims_of_work(), claims.c.jury_member_id != member, claims.c.expires_at > now)
        .scalar_subquery()
    )
    marked_by_member = (
        sa.select(sa.func.count())
        .where(_marks_of_work(), marks.c.jury_member_id == member)
        .scalar_subquery()
    )
    return [
        marked_by_member == 0,
        sa.or_(
            sa.and_(
                works.c.status == WorkStatus.AWAITING_MARKS.value,
                marked_by + claimed_by_others < MARKERS_PER_WORK,
            ),
            sa.and_(
                works.c.status == WorkStatus.NEEDS_THIRD_MARK.value,
                claimed_by_others < THIRD_MARKERS_AT_ONCE,
            ),
        ),
    ]


def _not_given_back_by(member: str) -> sa.ColumnElement[bool]:
    given_back = (
        sa.select(sa.func.count())
        .select_from(claims)
        .where(
            _claims_of_work(),
            claims.c.jury_member_id == member,
            claims.c.released_at.is_not(None),
        )
        .scalar_subquery()
    )
    return given_back == 0


async def next_claimable(
    session: AsyncSession,
    key: SubjectGrade,
    member: str,
    now: dt.datetime,
    *,
    start: float,
    skip: Sequence[str],
    lock: bool,
) -> Candidate | None:
    """The next work `member` may take, or None.

    In this order: works needing a third mark (they hold the subject's announcement back); then
    the member's walk through the works awaiting marks in rank order, going on after the rank of
    the work the walk gave them last (`start` before their first), round to the beginning after
    the last; last, the works they gave back, the earliest given back first. Each is one
    `LIMIT 1` walk of `works_open_by_rank` that stops at the first work open to the member, so a
    request costs about the same whatever the size of the grade.

    `lock=True` locks the row found, skipping rows another transaction holds; `lock=False` only
    looks. The conditions are read in the statement's snapshot and only narrow the choice: the
    caller re-checks them after the lock (`domain.claims.may_take`, which `_open_to` mirrors).
    """
    kept = [works.c.work_code.not_in(list(skip))] if skip else []
    cursor = sa.func.coalesce(
        sa.select(claim_cursors.c.queue_rank)
        .where(key.where(claim_cursors), claim_cursors.c.jury_member_id == member)
        .scalar_subquery(),
        start,
    )
    of_status = {
        status: [key.where(works), works.c.status == status.value, _not_given_back_by(member)]
        for status in (WorkStatus.NEEDS_THIRD_MARK, WorkStatus.AWAITING_MARKS)
    }
    walks = [
        (of_status[WorkStatus.NEEDS_THIRD_MARK], False),
        ([*of_status[WorkStatus.AWAITING_MARKS], works.c.queue_rank > cursor], True),
        (of_status[WorkStatus.AWAITING_MARKS], True),  # round to the beginning
    ]
    for conditions, walked in walks:
        query = (
            sa.select(works)
            .where(*conditions, *_open_to(member, now), *kept)
            .order_by(works.c.queue_rank)
            .limit(1)
        )
        if lock:
            query = query.with_for_update(skip_locked=True)
        row = (await session.execute(query)).first()
        if row is not None:
            return Candidate(work_row(row), row.queue_rank, walked)
    mine = claims.alias("given_back")  # apart from the claims that _open_to counts
    given_back = (
        sa.select(works)
        .join(
            mine,
            sa.and_(
                mine.c.olympiad_id == works.c.olympiad_id,
                mine.c.work_code == works.c.work_code,
                mine.c.jury_member_id == member,
                mine.c.released_at.is_not(None),
            ),
        )
        .where(
            key.where(works),
            works.c.status.in_(
                [WorkStatus.AWAITING_MARKS.value, WorkStatus.NEEDS_THIRD_MARK.value]
            ),
            *_open_to(member, now),
            *kept,
        )
        .order_by(mine.c.released_at, works.c.queue_rank)
        .limit(1)
    )
    if lock:
        given_back = given_back.with_for_update(of=works, skip_locked=True)
    row = (await session.execute(given_back)).first()
    return Candidate(work_row(row), row.queue_rank, False) if row is not None else None


async def move_cursor(
    session: AsyncSession, key: SubjectGrade, member: str, queue_rank: float
) -> None:
    """The member's next walk through the queue goes on after `queue_rank`."""
    statement = pg_insert(claim_cursors).values(
        olympiad_id=key.olympiad_id,
        subject_code=key.subject_code,
        grade=key.grade,
        jury_member_id=member,
        queue_rank=queue_rank,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=list(claim_cursors.primary_key.columns),
            set_={"queue_rank": queue_rank},
        )
    )


@dataclass(frozen=True)
class WorkClaim:
    jury_member_id: str
    expires_at: dt.datetime
    released_at: dt.datetime | None

    def stale(self, now: dt.datetime) -> bool:
        """Expired unfulfilled: it counts for nothing and may go (`delete_stale_claims`)."""
        return self.expires_at <= now and self.released_at is None


async def work_claims(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str
) -> list[WorkClaim]:
    """Every claim row of the work, expired and given back ones too."""
    rows = await session.execute(
        sa.select(claims.c.jury_member_id, claims.c.expires_at, claims.c.released_at).where(
            claims.c.olympiad_id == olympiad_id, claims.c.work_code == work_code
        )
    )
    return [WorkClaim(row.jury_member_id, row.expires_at, row.released_at) for row in rows]


async def claimants(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str, now: dt.datetime
) -> dict[str, dt.datetime]:
    """Who holds an unexpired claim on the work, and until when."""
    rows = await session.execute(
        sa.select(claims.c.jury_member_id, claims.c.expires_at).where(
            claims.c.olympiad_id == olympiad_id,
            claims.c.work_code == work_code,
            claims.c.expires_at > now,
        )
    )
    return {row.jury_member_id: row.expires_at for row in rows}


async def save_claim(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    work_code: str,
    member: str,
    claimed_at: dt.datetime,
    expires_at: dt.datetime,
) -> None:
    """Claim the work for the member; the member's expired claim on it, if any, is renewed."""
    statement = pg_insert(claims).values(
        olympiad_id=olympiad_id,
        work_code=work_code,
        jury_member_id=member,
        claimed_at=claimed_at,
        expires_at=expires_at,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[claims.c.olympiad_id, claims.c.work_code, claims.c.jury_member_id],
            set_={"claimed_at": claimed_at, "expires_at": expires_at, "released_at": None},
        )
    )


def _claim_of(olympiad_id: uuid.UUID, work_code: str, member: str) -> sa.ColumnElement[bool]:
    return sa.and_(
        claims.c.olympiad_id == olympiad_id,
        claims.c.work_code == work_code,
        claims.c.jury_member_id == member,
    )


async def delete_claim(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str, member: str
) -> bool:
    """Remove the member's claim on the work; False when there was none."""
    result = await session.execute(
        sa.delete(claims)
        .where(_claim_of(olympiad_id, work_code, member))
        .returning(claims.c.work_code)
    )
    return result.first() is not None


async def give_back_claim(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str, member: str, now: dt.datetime
) -> bool:
    """End the member's unexpired claim, remembering that they gave the work back."""
    result = await session.execute(
        sa.update(claims)
        .where(_claim_of(olympiad_id, work_code, member), claims.c.expires_at > now)
        .values(expires_at=now, released_at=now)
        .returning(claims.c.work_code)
    )
    return result.first() is not None


async def delete_stale_claims(
    session: AsyncSession, olympiad_id: uuid.UUID, work_code: str, now: dt.datetime | None
) -> None:
    """Remove the work's claims that expired by `now`; every claim of it when `now` is None."""
    query = sa.delete(claims).where(
        claims.c.olympiad_id == olympiad_id, claims.c.work_code == work_code
    )
    if now is not None:
        # a given-back claim is kept: it orders that member's queue (see next_claimable)
        query = query.where(claims.c.expires_at <= now, claims.c.released_at.is_(None))
    await session.execute(query)
