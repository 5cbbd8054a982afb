"""The hearing (§109–110), the votes (§106, §112) and the final decision (§107, §114).

Each command handler takes `(command, uow, actor)` and commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from decimal import Decimal

from olymp_appeals import store
from olymp_appeals.domain import (
    AppealDecision,
    Attendance,
    Ballot,
    Commission,
    HearingAfterVoting,
    Motion,
    Resolution,
    check_motion,
    check_vote_allowed,
    decide_appeal,
)
from olymp_appeals.handlers.common import (
    CODE_OF_OUTCOME,
    OUTCOME_CODES,
    announce_state,
    appeal_of,
    attendance_of,
    changed_scores,
    motion_texts,
    numbered,
    open_appeal,
    outcome_code,
    require_member,
    require_subject,
    work_of,
    work_scores,
)
from olymp_core.auth import Principal
from olymp_core.contracts.appeals import AppealDecided, AppealOutcome
from olymp_core.db import UnitOfWork
from olymp_core.errors import NotPermitted


@dataclass(frozen=True)
class RecordHearing:
    olympiad_id: uuid.UUID
    appeal_id: uuid.UUID
    participant_present: bool
    valid_reason_documented: bool


@dataclass(frozen=True)
class CastVote:
    olympiad_id: uuid.UUID
    appeal_id: uuid.UUID
    outcome: AppealOutcome
    new_task_scores: dict[int, Decimal]


@dataclass(frozen=True)
class DecideAppeal:
    olympiad_id: uuid.UUID
    appeal_id: uuid.UUID


async def record_hearing(
    command: RecordHearing, uow: UnitOfWork, actor: Principal
) -> store.AppealRow:
    """§109–110: whether the participant came, and if not, whether a document excuses it."""
    row, commission = await open_appeal(uow, command.olympiad_id, command.appeal_id, actor)
    require_member(commission, actor)
    if command.participant_present:
        attendance = Attendance.PRESENT
    elif command.valid_reason_documented:
        attendance = Attendance.ABSENT_WITH_DOCUMENTED_REASON
    else:
        attendance = Attendance.ABSENT_WITHOUT_DOCUMENTED_REASON
    if row.attendance == attendance.value:
        return row  # the same record again (a retry after a lost answer): it stands once
    if await store.list_votes(uow.session, row.appeal_id):
        raise HearingAfterVoting(
            "По апелляции уже голосовали: явку участника нужно было зафиксировать до голосования."
        )
    await store.update_appeal(uow.session, row.appeal_id, attendance=attendance.value)
    await uow.audit(
        actor=actor.subject,
        action="appeal.hearing_recorded",
        object_type="appeal",
        object_id=str(row.appeal_id),
        payload={"attendance": attendance},
    )
    updated = await store.get_appeal(uow.session, command.olympiad_id, row.appeal_id)
    await uow.commit()
    assert updated is not None
    return updated


async def cast_vote(command: CastVote, uow: UnitOfWork, actor: Principal) -> Motion:
    """§106, §112: a listed member's vote for one motion; a repeated vote replaces the earlier."""
    row, commission = await open_appeal(uow, command.olympiad_id, command.appeal_id, actor)
    require_member(commission, actor)
    attendance = attendance_of(row)
    appeal = appeal_of(row)
    check_vote_allowed(appeal, attendance)
    motion = Motion(OUTCOME_CODES[command.outcome], tuple(command.new_task_scores.items()))
    work = await work_of(uow, row)
    check_motion(motion, appeal, work)
    scores = {str(number): points for number, points in motion.new_scores}
    if any(
        v.member_id == actor.subject
        and v.outcome == command.outcome
        and v.new_task_scores == scores
        for v in await store.list_votes(uow.session, row.appeal_id)
    ):
        # the same vote again (a retry after a lost answer): it stands, nothing to record twice
        return motion
    await store.upsert_vote(
        uow.session,
        row.appeal_id,
        actor.subject,
        command.outcome,
        motion.scores,
        uow.clock.now(),
    )
    await uow.audit(
        actor=actor.subject,
        action="appeal.vote_cast",
        object_type="appeal",
        object_id=str(row.appeal_id),
        payload={"outcome": motion.outcome, "new_task_scores": store.scores_json(motion.scores)},
    )
    await uow.commit()
    return motion


async def decide(command: DecideAppeal, uow: UnitOfWork, actor: Principal) -> AppealDecision:
    """§106–107, §110, §112, §114: count the votes; a decision is final and goes to scoring.

    Asked again once taken (a retry after a lost answer), the decision is answered as it was
    taken: the same votes counted over the scores the commission had before it."""
    taken = await _decision_taken(uow, command, actor)
    if taken is not None:
        return taken
    row, commission = await open_appeal(uow, command.olympiad_id, command.appeal_id, actor)
    _require_decider(actor, commission)
    votes = await store.list_votes(uow.session, row.appeal_id)
    ballots = [
        Ballot(vote.member_id, Motion(OUTCOME_CODES[vote.outcome], numbered(vote.new_task_scores)))
        for vote in votes
    ]
    decision = decide_appeal(
        appeal_of(row), await work_of(uow, row), commission, attendance_of(row), ballots
    )
    audit_payload = {
        "resolution": decision.resolution,
        "outcome": decision.outcome,
        "ballots": [
            {
                "member_id": b.member_id,
                "outcome": b.motion.outcome,
                "scores": motion_texts(b.motion),
            }
            for b in ballots
        ],
        "by_casting_vote": bool(decision.tally and decision.tally.by_casting_vote),
        "scores_before": store.scores_json(dict(decision.scores_before)),
        "scores_after": store.scores_json(dict(decision.scores_after)),
    }
    if decision.resolution is Resolution.NO_DECISION:
        # Not a decision (§106): the appeal stays open and the commission votes again.
        await uow.audit(
            actor=actor.subject,
            action="appeal.no_decision",
            object_type="appeal",
            object_id=str(row.appeal_id),
            payload=audit_payload,
        )
        await uow.commit()
        return decision
    changed = changed_scores(decision)
    await store.update_appeal(
        uow.session,
        row.appeal_id,
        status=decision.resolution.value,
        outcome=outcome_code(decision),
        new_task_scores=store.scores_json(changed),
        decided_at=uow.clock.now(),
        decided_by=actor.subject,
        scores_before=store.scores_json(dict(decision.scores_before)),
    )
    if decision.outcome is not None:
        # §110 leaves the scores as they were and is not a §112 decision: scoring has nothing to
        # apply, and the contract's outcomes are §112's three.
        uow.publish(
            AppealDecided(
                appeal_id=row.appeal_id,
                olympiad_id=row.olympiad_id,
                subject_code=row.subject_code,
                grade=row.grade,
                work_code=row.work_code,
                outcome=CODE_OF_OUTCOME[decision.outcome],
                new_task_scores={str(n): score for n, score in changed.items()},
            )
        )
    await uow.audit(
        actor=actor.subject,
        action="appeal.decided",
        object_type="appeal",
        object_id=str(row.appeal_id),
        payload=audit_payload,
    )
    await announce_state(uow, row.olympiad_id, row.subject_code)
    await uow.commit()
    return decision


def _require_decider(actor: Principal, commission: Commission) -> None:
    # the commission's chair closes its vote (§107 gives the chair the casting vote); the jury
    # whose marks are appealed has no part in the commission's decision
    if actor.subject != commission.chair:
        raise NotPermitted(
            "Подвести итог голосования может только председатель апелляционной комиссии"
            f" ({commission.chair}). Попросите его закрыть голосование."
        )


async def _decision_taken(
    uow: UnitOfWork, command: DecideAppeal, actor: Principal
) -> AppealDecision | None:
    """The decision already taken on this appeal, counted again exactly as it was; None while
    the appeal is open (and for decisions recorded before their scores were kept)."""
    row = await store.get_appeal(uow.session, command.olympiad_id, command.appeal_id)
    if row is None or row.decided_at is None or row.scores_before is None:
        return None
    require_subject(actor, row.subject_code)
    listed = await store.get_commission(uow.session, row.olympiad_id, row.subject_code)
    if listed is None:
        return None
    commission = Commission(tuple(listed[0]), listed[1])
    _require_decider(actor, commission)
    return await decision_as_taken(uow, row, commission)


async def decision_as_taken(
    uow: UnitOfWork, row: store.AppealRow, commission: Commission
) -> AppealDecision:
    """A taken decision counted again over the scores the commission had before it: the same
    votes, the same outcome (the protocol, App. 9, and a retried decision read it)."""
    work = await store.get_work(uow.session, row.olympiad_id, row.subject_code, row.work_code)
    as_decided = None if work is None else replace(work, task_scores=row.scores_before)
    ballots = [
        Ballot(vote.member_id, Motion(OUTCOME_CODES[vote.outcome], numbered(vote.new_task_scores)))
        for vote in await store.list_votes(uow.session, row.appeal_id)
    ]
    return decide_appeal(
        appeal_of(row),
        work_scores(as_decided, row.participant_id, row.subject_code),
        commission,
        attendance_of(row),
        ballots,
    )
