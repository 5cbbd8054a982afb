"""Commands and events of the appeals service, one function each; command handlers own the commit.

Domain refusals (`AppealRuleError`) pass through unchanged: the service renders them as 422
problems. Refusals that depend on the service's state (not found, already decided, not a member)
are raised here as problems directly.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from olymp_appeals import store
from olymp_appeals.domain import (
    Appeal,
    AppealDecision,
    AppealRuleError,
    Attendance,
    Ballot,
    Commission,
    Motion,
    Outcome,
    Resolution,
    TaskScore,
    WorkingDayCalendar,
    WorkScores,
    appeal_deadline,
    check_motion,
    decide_appeal,
    file_appeal,
    reviewed_on_merits,
)
from olymp_core.auth import Principal, Role, ScopeKind
from olymp_core.clock import zone
from olymp_core.contracts.appeals import AppealDecided
from olymp_core.contracts.coding import WorksDecoded
from olymp_core.contracts.scoring import SubjectGradeChecked, WorkRescored
from olymp_core.db import UnitOfWork
from olymp_core.problems import Conflict, Forbidden, NotFound

FILED = "подана"

# The codes clients send and events carry; the protocol wording is the domain's `Outcome`.
OUTCOME_CODES: dict[str, Outcome] = {
    "reject": Outcome.REJECT,
    "raise": Outcome.RAISE,
    "lower": Outcome.LOWER,
}
CODE_OF_OUTCOME = {outcome: code for code, outcome in OUTCOME_CODES.items()}
NOT_REVIEWED = "not_reviewed"


@dataclass(frozen=True)
class SetAppealWindow:
    olympiad_id: uuid.UUID
    subject_code: str
    analysis_and_show_ends_at: dt.datetime
    time_zone: str
    actor: Principal


@dataclass(frozen=True)
class SetCommission:
    olympiad_id: uuid.UUID
    subject_code: str
    members: tuple[str, ...]
    chair: str
    actor: Principal


@dataclass(frozen=True)
class FileAppeal:
    olympiad_id: uuid.UUID
    participant_id: uuid.UUID
    subject_code: str
    task_numbers: tuple[int, ...]
    statement: str
    review_without_participant: bool
    actor: Principal


@dataclass(frozen=True)
class RecordHearing:
    olympiad_id: uuid.UUID
    appeal_id: uuid.UUID
    participant_present: bool
    valid_reason_documented: bool
    actor: Principal


@dataclass(frozen=True)
class CastVote:
    olympiad_id: uuid.UUID
    appeal_id: uuid.UUID
    outcome: str
    new_task_scores: dict[int, Decimal]
    actor: Principal


@dataclass(frozen=True)
class DecideAppeal:
    olympiad_id: uuid.UUID
    appeal_id: uuid.UUID
    actor: Principal


async def set_appeal_window(
    command: SetAppealWindow, uow: UnitOfWork, calendar: WorkingDayCalendar
) -> dt.datetime:
    """§96: fix when the analysis and show ended; the filing deadline follows from it."""
    try:
        zone(command.time_zone)
    except ValueError:
        raise AppealRuleError(
            f"Неизвестный часовой пояс «{command.time_zone}». Укажите пояс IANA,"
            " например Asia/Omsk."
        ) from None
    deadline = appeal_deadline(command.analysis_and_show_ends_at, calendar, command.time_zone)
    window = store.Window(command.analysis_and_show_ends_at, command.time_zone, deadline)
    await store.upsert_window(
        uow.session, command.olympiad_id, command.subject_code, window, uow.clock.now()
    )
    await uow.audit(
        actor=command.actor.subject,
        action="appeal_window.set",
        object_type="subject",
        object_id=f"{command.olympiad_id}/{command.subject_code}",
        payload={
            "analysis_and_show_ends_at": command.analysis_and_show_ends_at,
            "time_zone": command.time_zone,
            "deadline": deadline,
        },
    )
    await uow.commit()
    return deadline


async def set_commission(command: SetCommission, uow: UnitOfWork) -> Commission:
    """§102: the listed composition; frozen once anyone voted, since §106 counts against it."""
    commission = Commission(command.members, command.chair)
    if await store.subject_has_votes(uow.session, command.olympiad_id, command.subject_code):
        raise Conflict(
            "Члены апелляционной комиссии уже голосовали по апелляциям этого предмета: состав"
            " нельзя изменить, иначе изменится большинство от списочного состава (п. 106)."
        )
    await store.upsert_commission(
        uow.session,
        command.olympiad_id,
        command.subject_code,
        list(commission.members),
        commission.chair,
        uow.clock.now(),
    )
    await uow.audit(
        actor=command.actor.subject,
        action="appeal_commission.set",
        object_type="subject",
        object_id=f"{command.olympiad_id}/{command.subject_code}",
        payload={"members": list(commission.members), "chair": commission.chair},
    )
    await uow.commit()
    return commission


async def register_appeal(command: FileAppeal, uow: UnitOfWork) -> store.AppealRow:
    """§96–98, §105: register a written appeal at the clock's now, or refuse it."""
    _require_subject(command.actor, command.subject_code)
    session = uow.session
    window = await store.get_window(session, command.olympiad_id, command.subject_code)
    if window is None:
        raise Conflict(
            "Срок подачи апелляций по этому предмету ещё не установлен: сначала укажите окончание"
            " анализа заданий и показа работ (appeal-window)."
        )
    work_row = await store.find_work(
        session, command.olympiad_id, command.subject_code, command.participant_id
    )
    work = _work_scores(work_row, command.participant_id, command.subject_code)
    assert work_row is not None
    existing = await store.find_appeal_of(
        session, command.olympiad_id, command.subject_code, command.participant_id
    )
    if existing is not None:
        raise Conflict(
            f"Апелляция участника по этому предмету уже зарегистрирована (№ {existing})."
            " Рассмотрите её; повторная подача не предусмотрена.",
            appeal_id=str(existing),
        )
    filed_at = uow.clock.now()
    appeal = file_appeal(
        work,
        command.task_numbers,
        filed_at,
        window.deadline,
        window.time_zone,
        review_without_participant=command.review_without_participant,
    )
    appeal_id = uuid.uuid4()
    await store.insert_appeal(
        session,
        appeal_id=appeal_id,
        olympiad_id=command.olympiad_id,
        subject_code=command.subject_code,
        grade=work_row.grade,
        participant_id=command.participant_id,
        work_code=work_row.work_code,
        task_numbers=list(appeal.task_numbers),
        statement=command.statement,
        review_without_participant=appeal.review_without_participant,
        filed_at=filed_at,
        deadline=window.deadline,
        registered_by=command.actor.subject,
        status=FILED,
    )
    await uow.audit(
        actor=command.actor.subject,
        action="appeal.filed",
        object_type="appeal",
        object_id=str(appeal_id),
        payload={
            "work_code": work_row.work_code,
            "tasks": list(appeal.task_numbers),
            "filed_at": filed_at,
            "deadline": window.deadline,
        },
    )
    row = await store.get_appeal(session, command.olympiad_id, appeal_id)
    await uow.commit()
    assert row is not None
    return row


async def record_hearing(command: RecordHearing, uow: UnitOfWork) -> store.AppealRow:
    """§109–110: whether the participant came, and if not, whether a document excuses it."""
    row, commission = await _open_appeal(uow, command.olympiad_id, command.appeal_id)
    _require_member(commission, command.actor)
    if await store.list_votes(uow.session, row.appeal_id):
        raise Conflict(
            "По апелляции уже голосовали: явку участника нужно было зафиксировать до голосования."
        )
    if command.participant_present:
        attendance = Attendance.PRESENT
    elif command.valid_reason_documented:
        attendance = Attendance.ABSENT_WITH_DOCUMENTED_REASON
    else:
        attendance = Attendance.ABSENT_WITHOUT_DOCUMENTED_REASON
    await store.update_appeal(uow.session, row.appeal_id, attendance=attendance.value)
    await uow.audit(
        actor=command.actor.subject,
        action="appeal.hearing_recorded",
        object_type="appeal",
        object_id=str(row.appeal_id),
        payload={"attendance": attendance},
    )
    updated = await store.get_appeal(uow.session, command.olympiad_id, row.appeal_id)
    await uow.commit()
    assert updated is not None
    return updated


async def cast_vote(command: CastVote, uow: UnitOfWork) -> Motion:
    """§106, §112: a listed member's vote for one motion; a repeated vote replaces the earlier."""
    row, commission = await _open_appeal(uow, command.olympiad_id, command.appeal_id)
    _require_member(commission, command.actor)
    attendance = _attendance(row)
    appeal = _appeal(row)
    if not reviewed_on_merits(appeal, attendance):
        raise AppealRuleError(
            "Апелляция не рассматривается по существу: участник не явился без подтверждённой"
            " уважительной причины (п. 110). Голосование по ней не проводится."
        )
    outcome = OUTCOME_CODES.get(command.outcome)
    if outcome is None:
        raise AppealRuleError(
            f"Неизвестное решение «{command.outcome}»: допустимы reject (отклонить), raise"
            " (повысить баллы), lower (понизить баллы) — п. 112."
        )
    motion = Motion(outcome, tuple(command.new_task_scores.items()))
    work = await _work_of(uow, row)
    check_motion(motion, appeal, work)
    await store.upsert_vote(
        uow.session,
        row.appeal_id,
        command.actor.subject,
        command.outcome,
        motion.scores,
        uow.clock.now(),
    )
    await uow.audit(
        actor=command.actor.subject,
        action="appeal.vote_cast",
        object_type="appeal",
        object_id=str(row.appeal_id),
        payload={"outcome": motion.outcome, "new_task_scores": store.scores_json(motion.scores)},
    )
    await uow.commit()
    return motion


async def decide(command: DecideAppeal, uow: UnitOfWork) -> AppealDecision:
    """§106–107, §110, §112, §114: count the votes; a decision is final and goes to scoring."""
    row, commission = await _open_appeal(uow, command.olympiad_id, command.appeal_id)
    actor = command.actor
    if not (actor.has_role(Role.JURY_CHAIR) or actor.subject == commission.chair):
        raise Forbidden(
            "Подвести итог голосования может председатель апелляционной комиссии"
            f" ({commission.chair}) или председатель жюри."
        )
    votes = await store.list_votes(uow.session, row.appeal_id)
    ballots = [
        Ballot(vote.member_id, Motion(OUTCOME_CODES[vote.outcome], _numbered(vote.new_task_scores)))
        for vote in votes
    ]
    decision = decide_appeal(
        _appeal(row), await _work_of(uow, row), commission, _attendance(row), ballots
    )
    audit_payload = {
        "resolution": decision.resolution,
        "outcome": decision.outcome,
        "ballots": [
            {"member_id": b.member_id, "outcome": b.motion.outcome, "scores": _texts(b.motion)}
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
    outcome_code = NOT_REVIEWED if decision.outcome is None else CODE_OF_OUTCOME[decision.outcome]
    await store.update_appeal(
        uow.session,
        row.appeal_id,
        status=decision.resolution.value,
        outcome=outcome_code,
        new_task_scores=store.scores_json(changed),
        decided_at=uow.clock.now(),
        decided_by=actor.subject,
    )
    uow.publish(
        AppealDecided(
            appeal_id=row.appeal_id,
            olympiad_id=row.olympiad_id,
            subject_code=row.subject_code,
            grade=row.grade,
            participant_id=row.participant_id,
            work_code=row.work_code,
            outcome=outcome_code,
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
    await uow.commit()
    return decision


async def appeals_of(
    olympiad_id: uuid.UUID, subject_code: str | None, uow: UnitOfWork
) -> list[store.AppealRow]:
    return await store.list_appeals(uow.session, olympiad_id, subject_code)


def changed_scores(decision: AppealDecision) -> dict[int, Decimal]:
    """The tasks whose score the decision changed (what `AppealDecided` carries)."""
    before = dict(decision.scores_before)
    return {n: score for n, score in decision.scores_after if score != before[n]}


async def on_works_decoded(event: WorksDecoded, uow: UnitOfWork) -> None:
    pairs = [(work.work_code, work.participant_id) for work in event.works]
    await store.record_decoding(
        uow.session, event.olympiad_id, event.subject_code, event.grade, pairs
    )


async def on_subject_grade_checked(event: SubjectGradeChecked, uow: UnitOfWork) -> None:
    for work in event.works:
        await store.record_scores(
            uow.session,
            event.olympiad_id,
            event.subject_code,
            event.grade,
            work.work_code,
            dict(work.task_scores),
            dict(event.task_max),
            work.annulled,
        )


async def on_work_rescored(event: WorkRescored, uow: UnitOfWork) -> None:
    work = event.work
    await store.record_scores(
        uow.session,
        event.olympiad_id,
        event.subject_code,
        event.grade,
        work.work_code,
        dict(work.task_scores),
        None,
        work.annulled,
    )


async def _open_appeal(
    uow: UnitOfWork, olympiad_id: uuid.UUID, appeal_id: uuid.UUID
) -> tuple[store.AppealRow, Commission]:
    row = await store.get_appeal(uow.session, olympiad_id, appeal_id, for_update=True)
    if row is None:
        raise NotFound(f"Апелляция {appeal_id} в этой олимпиаде не найдена. Проверьте номер.")
    if row.decided_at is not None:
        raise Conflict(
            f"По апелляции {appeal_id} решение уже принято ({row.status}); оно окончательное и"
            " пересмотру не подлежит (п. 114)."
        )
    listed = await store.get_commission(uow.session, olympiad_id, row.subject_code)
    if listed is None:
        raise Conflict(
            "Состав апелляционной комиссии по этому предмету не утверждён: координатор должен"
            " указать её членов и председателя."
        )
    return row, Commission(tuple(listed[0]), listed[1])


def _require_member(commission: Commission, actor: Principal) -> None:
    if actor.subject not in commission.members:
        raise Forbidden(
            f"{actor.subject} не входит в состав апелляционной комиссии по этому предмету:"
            " действие доступно только её членам по списку."
        )


def _require_subject(actor: Principal, subject_code: str) -> None:
    if not actor.may_access(ScopeKind.SUBJECT, subject_code):
        raise Forbidden(
            f"Ваш доступ ограничен другими предметами, а запрошен «{subject_code}». Если это"
            " ошибка, попросите координатора расширить ваш доступ."
        )


def _attendance(row: store.AppealRow) -> Attendance:
    if row.attendance is None:
        raise Conflict(
            "Явка участника на рассмотрение апелляции не зафиксирована: сначала отметьте,"
            " присутствовал ли он и есть ли документ об уважительной причине неявки (пп. 109–110)."
        )
    return Attendance(row.attendance)


def _appeal(row: store.AppealRow) -> Appeal:
    return Appeal(
        str(row.participant_id),
        row.task_numbers,
        row.filed_at,
        row.deadline,
        row.review_without_participant,
    )


async def _work_of(uow: UnitOfWork, row: store.AppealRow) -> WorkScores:
    work = await store.get_work(uow.session, row.olympiad_id, row.subject_code, row.work_code)
    return _work_scores(work, row.participant_id, row.subject_code)


def _work_scores(
    work: store.WorkRow | None, participant_id: uuid.UUID, subject_code: str
) -> WorkScores:
    if work is None or work.task_scores is None or work.task_max is None:
        raise Conflict(
            f"Работа участника {participant_id} по предмету «{subject_code}» ещё не проверена"
            " или не раскодирована: апелляцию можно подать после публикации предварительных"
            " результатов."
        )
    if work.annulled:
        raise Conflict(
            f"Работа {work.work_code} аннулирована: баллов за задания у неё нет, апелляция о"
            " несогласии с баллами не рассматривается."
        )
    scores = _numbered(work.task_scores)
    tasks = tuple(
        TaskScore(number, dict(scores).get(number, Decimal(0)), maximum)
        for number, maximum in _numbered(work.task_max)
    )
    return WorkScores(str(participant_id), tasks)


def _numbered(scores: dict[str, Decimal]) -> tuple[tuple[int, Decimal], ...]:
    return tuple(sorted((int(key), value) for key, value in scores.items()))


def _texts(motion: Motion) -> dict[str, str]:
    return store.scores_json(motion.scores)
