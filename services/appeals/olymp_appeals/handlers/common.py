"""What the appeal handlers share: outcome codes, loading an open appeal, the work's scores."""

from __future__ import annotations

import uuid
from decimal import Decimal

from olymp_appeals import store
from olymp_appeals.domain import (
    Appeal,
    AppealDecision,
    AppealNotFound,
    Attendance,
    AttendanceNotRecorded,
    Commission,
    CommissionNotSet,
    DecisionFinal,
    Motion,
    Outcome,
    Resolution,
    TaskScore,
    WorkNotAppealable,
    WorkScores,
)
from olymp_core.auth import Principal, ScopeKind
from olymp_core.contracts.appeals import AppealOutcome, AppealsState
from olymp_core.db import UnitOfWork
from olymp_core.errors import NotPermitted

FILED = "подана"

# The contract's codes (what clients send, votes store and `AppealDecided` carries); the protocol
# wording of the same decisions is the domain's `Outcome`.
OUTCOME_CODES: dict[AppealOutcome, Outcome] = {
    AppealOutcome.REJECT: Outcome.REJECT,
    AppealOutcome.RAISE: Outcome.RAISE,
    AppealOutcome.LOWER: Outcome.LOWER,
}
CODE_OF_OUTCOME = {outcome: code for code, outcome in OUTCOME_CODES.items()}
# §110 is no §112 decision, so the contract has no code for it; the appeal row stores this one.
NOT_REVIEWED = "not_reviewed"


def outcome_code(decision: AppealDecision) -> str | None:
    """The outcome as the appeal row and the API name it: a contract code, §110's, or none yet."""
    if decision.outcome is not None:
        return CODE_OF_OUTCOME[decision.outcome].value
    if decision.resolution is Resolution.NOT_REVIEWED:
        return NOT_REVIEWED
    return None


def changed_scores(decision: AppealDecision) -> dict[int, Decimal]:
    """The tasks whose score the decision changed (what `AppealDecided` carries)."""
    before = dict(decision.scores_before)
    return {n: score for n, score in decision.scores_after if score != before[n]}


async def open_appeal(
    uow: UnitOfWork, olympiad_id: uuid.UUID, appeal_id: uuid.UUID, actor: Principal
) -> tuple[store.AppealRow, Commission]:
    """The undecided appeal, locked until commit, and its subject's commission."""
    row = await store.get_appeal(uow.session, olympiad_id, appeal_id, for_update=True)
    if row is None:
        raise AppealNotFound(f"Апелляция {appeal_id} в этой олимпиаде не найдена. Проверьте номер.")
    require_subject(actor, row.subject_code)
    if row.decided_at is not None:
        raise DecisionFinal(
            f"По апелляции {appeal_id} решение уже принято ({row.status}); оно окончательное и"
            " пересмотру не подлежит (п. 114)."
        )
    listed = await store.get_commission(uow.session, olympiad_id, row.subject_code)
    if listed is None:
        raise CommissionNotSet(
            "Состав апелляционной комиссии по этому предмету не утверждён: координатор должен"
            " указать её членов и председателя."
        )
    return row, Commission(tuple(listed[0]), listed[1])


def require_member(commission: Commission, actor: Principal) -> None:
    if actor.subject not in commission.members:
        raise NotPermitted(
            f"{actor.subject} не входит в состав апелляционной комиссии по этому предмету:"
            " действие доступно только её членам по списку."
        )


def require_subject(actor: Principal, subject_code: str) -> None:
    if not actor.may_access(ScopeKind.SUBJECT, subject_code):
        raise NotPermitted(
            f"Ваш доступ ограничен другими предметами, а запрошен «{subject_code}». Если это"
            " ошибка, попросите координатора расширить ваш доступ."
        )


def attendance_of(row: store.AppealRow) -> Attendance:
    if row.attendance is None:
        raise AttendanceNotRecorded(
            "Явка участника на рассмотрение апелляции не зафиксирована: сначала отметьте,"
            " присутствовал ли он и есть ли документ об уважительной причине неявки (пп. 109–110)."
        )
    return Attendance(row.attendance)


def appeal_of(row: store.AppealRow) -> Appeal:
    return Appeal(
        str(row.participant_id),
        row.task_numbers,
        row.filed_at,
        row.deadline,
        row.review_without_participant,
    )


async def work_of(uow: UnitOfWork, row: store.AppealRow) -> WorkScores:
    work = await store.get_work(uow.session, row.olympiad_id, row.subject_code, row.work_code)
    return work_scores(work, row.participant_id, row.subject_code)


def work_scores(
    work: store.WorkRow | None, participant_id: uuid.UUID, subject_code: str
) -> WorkScores:
    if work is None or work.task_scores is None or work.task_max is None:
        raise WorkNotAppealable(
            f"Работа участника {participant_id} по предмету «{subject_code}» ещё не проверена"
            " или не раскодирована: апелляцию можно подать после публикации предварительных"
            " результатов."
        )
    if work.annulled:
        raise WorkNotAppealable(
            f"Работа {work.work_code} аннулирована: баллов за задания у неё нет, апелляция о"
            " несогласии с баллами не рассматривается."
        )
    scores = numbered(work.task_scores)
    tasks = tuple(
        TaskScore(number, dict(scores).get(number, Decimal(0)), maximum)
        for number, maximum in numbered(work.task_max)
    )
    return WorkScores(str(participant_id), tasks)


def numbered(scores: dict[str, Decimal]) -> tuple[tuple[int, Decimal], ...]:
    return tuple(sorted((int(key), value) for key, value in scores.items()))


def motion_texts(motion: Motion) -> dict[str, str]:
    return store.scores_json(motion.scores)


async def announce_state(uow: UnitOfWork, olympiad_id: uuid.UUID, subject_code: str) -> None:
    """Publish the subject's appeal state as this transaction leaves it (deadline, undecided
    appeals per grade): publishing approves no final table while either stands in the way."""
    taken = await store.next_state_revision(uow.session, olympiad_id, subject_code)
    if taken is None:
        return  # no window yet: no appeal can exist either
    revision, deadline = taken
    undecided = await store.undecided_by_grade(uow.session, olympiad_id, subject_code)
    uow.publish(
        AppealsState(
            olympiad_id=olympiad_id,
            subject_code=subject_code,
            deadline=deadline,
            undecided_by_grade={str(grade): count for grade, count in sorted(undecided.items())},
            revision=revision,
        )
    )
