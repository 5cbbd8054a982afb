"""The marking queue: the server, not the jury member, decides which work a member marks next.

A member asks for the next work of a subject and grade and gets one they may mark, held for them
(a claim) until it expires (`ScoringSettings.claim_minutes`). The rule of how many hands a work
takes is `domain.claims`; here it is made to hold under thirty members asking at once:

- The next work is found by walking an index (`store.next_claimable`): the grade's works in one
  random order, each member going on from their own place in it (`domain.claims.starting_point`,
  then the work they took last), so a request reads a few rows whatever the size of the grade.
- Candidates are locked with `FOR UPDATE SKIP LOCKED`, so members asking at once take different
  rows instead of queueing on one.
- Under READ COMMITTED the candidate was chosen from the statement's snapshot, which may predate a
  claim another member committed on that row just before we locked it. Claims and marks of a work
  are only written while its row is locked, so the counts read again in a new statement after the
  lock are exact; a candidate that fails them is let go (its savepoint rolled back, which releases
  the row) and the next one is tried.
- When every candidate row is locked at that instant, the member waits for one rather than being
  told that nothing is left while the works are only busy. The wait happens holding no work row
  (and a work row's holder never waits for a claim), so queue requests cannot deadlock.
- One member's requests are serialised (`store.lock_claimant`): a double click or a reloaded page
  gets the claim already held, never a second work.

Claims are not audited: they decide nothing about a work's score; the marks they lead to are.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from olymp_core.auth import Principal, Role
from olymp_core.db import UnitOfWork
from olymp_core.subject_grade import SubjectGrade
from olymp_scoring import store
from olymp_scoring.domain import Mark, WorkSheet, WorkStatus, may_take, plain
from olymp_scoring.domain.claims import starting_point
from olymp_scoring.domain.errors import ClaimsBusy
from olymp_scoring.handlers.marking import locked_work, required_scheme
from olymp_scoring.store import ClaimRow, StoredScheme, WorkRow

# candidates tried per request before giving up: each failure means another member committed a
# claim on that work in the last moment, so ten in a row only happens in a stampede
MAX_ATTEMPTS = 10


@dataclass(frozen=True)
class ClaimNext:
    subject_grade: SubjectGrade
    lifetime: dt.timedelta


@dataclass(frozen=True)
class ReleaseClaim:
    olympiad_id: uuid.UUID
    work_code: str


@dataclass(frozen=True)
class Claim:
    """A work held for the caller: what to mark and until when."""

    work_code: str
    status: WorkStatus
    tasks: tuple[int, ...]
    expires_at: dt.datetime

    @property
    def third_mark(self) -> bool:
        return self.status is WorkStatus.NEEDS_THIRD_MARK


@dataclass(frozen=True)
class HeldClaim:
    work_code: str
    expires_at: dt.datetime
    third_mark: bool


@dataclass(frozen=True)
class MemberProgress:
    jury_member_id: str
    works_marked: int
    third_marks: int
    claims: tuple[HeldClaim, ...]


@dataclass(frozen=True)
class TaskProgress:
    task_number: int
    marks: int
    pairs: int
    disputed: int

    @property
    def discrepancy_rate(self) -> Decimal | None:
        """Disputed pairs among the works both first members marked; None before any pair."""
        if self.pairs == 0:
            return None
        return plain(
            (Decimal(self.disputed) / Decimal(self.pairs)).quantize(Decimal("0.001"), ROUND_HALF_UP)
        )


@dataclass(frozen=True)
class MarkingProgress:
    works_total: int
    works_checked: int
    works_awaiting_marks: int
    works_awaiting_results: int
    works_needing_third_mark: int
    works_annulled: int
    works_claimed: int
    members: tuple[MemberProgress, ...]
    # per task; the chair only: the discrepancy of others' marks is not a member's to see (§69)
    tasks: tuple[TaskProgress, ...] | None


async def claim_next(command: ClaimNext, uow: UnitOfWork, actor: Principal) -> Claim | None:
    """The work the caller marks next, held for them; None when nothing is left for them."""
    key = command.subject_grade
    member = actor.subject
    session = uow.session
    now = uow.clock.now()
    stored = await required_scheme(uow, key)
    await store.lock_claimant(session, key, member)
    for held in await store.held_claims(session, key, member, now):
        claim = await _still_theirs(uow, stored, key, held, member)
        if claim is not None:
            await uow.commit()
            return claim
    start = starting_point(member, key.object_id)
    tried: list[str] = []
    for _ in range(MAX_ATTEMPTS):
        savepoint = await session.begin_nested()
        found = await store.next_claimable(
            session, key, member, now, start=start, skip=tried, lock=True
        )
        if found is None:
            # every row left may only be busy (another member claiming or marking it): look
            # without locking, and wait for the first one found holding no other work row
            await savepoint.rollback()
            found = await store.next_claimable(
                session, key, member, now, start=start, skip=tried, lock=False
            )
            if found is None:
                await uow.commit()  # the member's void claims, if any, are gone
                return None
            savepoint = await session.begin_nested()
            work = await store.get_work(session, key.olympiad_id, found.work.work_code, lock=True)
            assert work is not None, "works are never deleted"
            found = replace(found, work=work)
        claim = await _take(uow, stored, found.work, member, command.lifetime)
        if claim is not None:
            if found.walked:
                await store.move_cursor(session, key, member, found.queue_rank)
            await savepoint.commit()
            await uow.commit()
            return claim
        await savepoint.rollback()  # releases the row: another member may need it
        tried.append(found.work.work_code)
    raise ClaimsBusy(
        f"Работы по предмету «{key.subject_code}», {key.grade} класс, сейчас одновременно "
        "разбирают многие члены жюри: повторите запрос следующей работы через несколько секунд."
    )


async def release_claim(command: ReleaseClaim, uow: UnitOfWork, actor: Principal) -> bool:
    """The caller gives the work back; False when they held none (a retry).

    The work is free for others at once; to the caller it comes back only after every other
    work they may take (a member who recognises a handwriting must not get it again at once).
    """
    work = await locked_work(uow, actor, command.olympiad_id, command.work_code)
    released = await store.give_back_claim(
        uow.session, command.olympiad_id, command.work_code, actor.subject, uow.clock.now()
    )
    await store.delete_stale_claims(
        uow.session, command.olympiad_id, work.work_code, uow.clock.now()
    )
    await uow.commit()
    return released


async def marking_progress(key: SubjectGrade, uow: UnitOfWork, actor: Principal) -> MarkingProgress:
    """Who marked how much, how often each task is disputed; a member sees their own line only."""
    chair = actor.has_role(Role.JURY_CHAIR)
    now = uow.clock.now()
    stored = await store.load_scheme(uow.session, key)
    rows = await store.list_works(uow.session, key)
    marks = await store.marks_of(uow.session, key.olympiad_id, [r.work_code for r in rows])
    claims = await store.active_claims(uow.session, key, now)
    found = tally(rows, stored, marks, claims)
    if chair:
        return found
    own = next(
        (line for line in found.members if line.jury_member_id == actor.subject),
        MemberProgress(actor.subject, 0, 0, ()),
    )
    return MarkingProgress(
        works_total=found.works_total,
        works_checked=found.works_checked,
        works_awaiting_marks=found.works_awaiting_marks,
        works_awaiting_results=found.works_awaiting_results,
        works_needing_third_mark=found.works_needing_third_mark,
        works_annulled=found.works_annulled,
        works_claimed=found.works_claimed,
        members=(own,),
        tasks=None,
    )


def tally(
    rows: Sequence[WorkRow],
    stored: StoredScheme | None,
    marks: Mapping[str, tuple[Mark, ...]],
    claims: Sequence[ClaimRow],
) -> MarkingProgress:
    """Everyone's progress, as the chair sees it."""
    statuses: dict[str, WorkStatus] = {}
    marked: Counter[str] = Counter()
    third: Counter[str] = Counter()
    task_marks: Counter[int] = Counter()
    pairs: Counter[int] = Counter()
    disputed: Counter[int] = Counter()
    for row in rows:
        if stored is None:  # no criteria, so no marks either
            statuses[row.work_code] = row.status
            continue
        sheet = store.sheet_of(row, stored, marks[row.work_code])
        statuses[row.work_code] = sheet.status
        first_two = sheet.jury_member_ids[:2]
        marked.update(first_two)
        third.update(sheet.jury_member_ids[2:])
        if sheet.status is WorkStatus.ANNULLED:
            continue  # an annulled work is not checked: its marks say nothing of the criteria
        task_marks.update(mark.task_number for mark in sheet.marks)
        if len(first_two) == 2:
            pairs.update(stored.scheme.task_numbers)
            disputed.update(sheet.disputed_tasks())
    held: dict[str, list[HeldClaim]] = {}
    for claim in claims:
        third_mark = statuses.get(claim.work_code) is WorkStatus.NEEDS_THIRD_MARK
        held.setdefault(claim.jury_member_id, []).append(
            HeldClaim(claim.work_code, claim.expires_at, third_mark)
        )
    members = sorted(set(marked) | set(third) | set(held))
    counts = Counter(statuses.values())
    return MarkingProgress(
        works_total=len(rows),
        works_checked=counts[WorkStatus.CHECKED],
        works_awaiting_marks=counts[WorkStatus.AWAITING_MARKS],
        works_awaiting_results=counts[WorkStatus.AWAITING_RESULTS],
        works_needing_third_mark=counts[WorkStatus.NEEDS_THIRD_MARK],
        works_annulled=counts[WorkStatus.ANNULLED],
        works_claimed=len({claim.work_code for claim in claims}),
        members=tuple(
            MemberProgress(member, marked[member], third[member], tuple(held.get(member, ())))
            for member in members
        ),
        tasks=tuple(
            TaskProgress(number, task_marks[number], pairs[number], disputed[number])
            for number in (stored.scheme.task_numbers if stored is not None else ())
        ),
    )


async def _still_theirs(
    uow: UnitOfWork, stored: StoredScheme, key: SubjectGrade, held: ClaimRow, member: str
) -> Claim | None:
    """The claim the member holds, as it stands; None (and the claim gone) when it is void."""
    work = await store.get_work(uow.session, key.olympiad_id, held.work_code)
    assert work is not None, "a claim's work exists (foreign key)"
    sheet = await _sheet(uow, stored, work)
    needed = sheet.status in (WorkStatus.AWAITING_MARKS, WorkStatus.NEEDS_THIRD_MARK)
    if needed and member not in sheet.jury_member_ids:
        return Claim(work.work_code, sheet.status, _tasks(stored, sheet), held.expires_at)
    # annulled while held: the work takes no more marks, so the claim counts for nothing and may
    # go without the work's lock (holding one while waiting for the next candidate could deadlock)
    await store.delete_claim(uow.session, key.olympiad_id, held.work_code, member)
    return None


async def _take(
    uow: UnitOfWork,
    stored: StoredScheme,
    work: WorkRow,
    member: str,
    lifetime: dt.timedelta,
) -> Claim | None:
    """Claim the locked work for the member if it still admits them; None when it does not.

    `work` is the row as locked (a locking read returns the newest version, whatever the
    statement's snapshot); its marks and claims are read in new statements, after the lock, so
    they include every one committed on this work.
    """
    session = uow.session
    olympiad_id = work.key.olympiad_id
    now = uow.clock.now()
    sheet = await _sheet(uow, stored, work)
    held = await store.work_claims(session, olympiad_id, work.work_code)
    others = sum(1 for c in held if c.expires_at > now and c.jury_member_id != member)
    if not may_take(member, sheet.status, sheet.jury_member_ids, others):
        return None
    if any(c.stale(now) for c in held):
        await store.delete_stale_claims(session, olympiad_id, work.work_code, now)
    expires_at = now + lifetime
    await store.save_claim(session, olympiad_id, work.work_code, member, now, expires_at)
    return Claim(work.work_code, sheet.status, _tasks(stored, sheet), expires_at)


async def _sheet(uow: UnitOfWork, stored: StoredScheme, work: WorkRow) -> WorkSheet:
    marks = await store.marks_of(uow.session, work.key.olympiad_id, [work.work_code])
    return store.sheet_of(work, stored, marks[work.work_code])


def _tasks(stored: StoredScheme, sheet: WorkSheet) -> tuple[int, ...]:
    """What the member marks: every task, or only the open disputed ones for a third mark (§73)."""
    if sheet.status is WorkStatus.NEEDS_THIRD_MARK:
        return sheet.tasks_needing_third_mark()
    return stored.scheme.task_numbers
