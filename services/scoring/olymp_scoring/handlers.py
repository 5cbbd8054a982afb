"""Commands of the scoring service: one function per command, each owning its transaction.

Lock order, everywhere: the work row, then the subject-grade row (`announcement.settle`), then the
audit trail's lock (taken by `uow.audit`, so audits come last). One order means no deadlocks.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from olymp_core.auth import Principal, Role, ScopeKind
from olymp_core.contracts.appeals import AppealDecided
from olymp_core.contracts.coding import WorkCoded, WorkWithdrawn
from olymp_core.contracts.scoring import WorkRescored
from olymp_core.db import UnitOfWork, UnitOfWorkFactory
from olymp_core.events import PoisonMessage
from olymp_core.problems import Conflict, Forbidden, NotFound, Problem
from olymp_scoring import store
from olymp_scoring.announcement import Settled, Settlement, plain, scored_work, settle
from olymp_scoring.domain import (
    AnnulmentReason,
    AppealDecision,
    AppealOutcome,
    ScoringError,
    SubjectGradeProgress,
    WorkStatus,
    apply_appeal,
)
from olymp_scoring.store import StoredScheme, SubjectGradeKey, WorkRow


class InvalidMarks(Problem):
    status = 422
    type_ = "invalid-marks"
    title = "Недопустимые баллы"


@dataclass(frozen=True)
class MarkingResult:
    work_code: str
    status: WorkStatus
    needs_third_mark_tasks: tuple[int, ...]


@dataclass(frozen=True)
class WorkView:
    """A work as the caller may see it: a jury member, only their own marks (§69)."""

    work_code: str
    status: WorkStatus
    needs_third_mark_tasks: tuple[int, ...]
    my_marks: dict[int, Decimal]
    final_scores: dict[int, Decimal] | None = None
    total: Decimal | None = None
    annulment_reason: AnnulmentReason | None = None
    jury_member_ids: tuple[str, ...] = field(default=())


async def set_scheme(
    uows: UnitOfWorkFactory, principal: Principal, key: SubjectGradeKey, stored: StoredScheme
) -> None:
    """Set the criteria of a subject and grade; refused once any work has a mark."""
    async with uows() as uow:
        await store.ensure_subject_grade(uow.session, key)
        await store.lock_subject_grade(uow.session, key)
        if await store.any_marks(uow.session, key):
            raise Conflict(
                f"Работы по предмету «{key.subject_code}», {key.grade} класс, уже оцениваются: "
                "критерии оценивания после начала проверки не меняются."
            )
        await store.save_scheme(uow.session, key, stored)
        await uow.audit(
            actor=principal.subject,
            action="scheme.set",
            object_type="subject_grade",
            object_id=_subject_grade_id(key),
            payload=stored.to_json(),
        )
        await uow.commit()


async def record_marking(
    uows: UnitOfWorkFactory,
    principal: Principal,
    olympiad_id: uuid.UUID,
    work_code: str,
    task_scores: Mapping[int, Decimal],
) -> MarkingResult:
    """One jury member's marks of one work; the member is the token's subject."""
    member = principal.subject
    async with uows() as uow:
        work = await _locked_work(uow, principal, olympiad_id, work_code)
        stored = await store.load_scheme(uow.session, work.key)
        if stored is None:
            raise Conflict(
                f"Критерии оценивания для предмета «{work.key.subject_code}», "
                f"{work.key.grade} класс, не заданы: председатель жюри должен задать их до проверки."
            )
        try:
            for number, points in task_scores.items():
                stored.scheme.validate_points(number, points)
        except ScoringError as error:
            raise InvalidMarks(str(error)) from error
        marks = await store.marks_of(uow.session, olympiad_id, [work_code])
        sheet = store.sheet_of(work, stored, marks[work_code])
        try:
            updated = sheet.record_marking(member, task_scores)
        except ScoringError as error:
            raise Conflict(str(error)) from error
        now = uow.clock.now()
        new_marks = updated.marks[len(sheet.marks) :]
        await store.insert_marks(uow.session, olympiad_id, work_code, new_marks, now)
        await store.update_work(uow.session, olympiad_id, work_code, status=updated.status.value)
        settlement = await settle(uow, work.key, data_changed=False)
        await uow.audit(
            actor=member,
            action="work.marked",
            object_type="work",
            object_id=_work_id(olympiad_id, work_code),
            payload={
                "task_scores": {str(m.task_number): str(m.points) for m in new_marks},
                "status": updated.status.value,
            },
        )
        await audit_settlement(uow, work.key, settlement, actor=member)
        await uow.commit()
    return MarkingResult(work_code, updated.status, updated.tasks_needing_third_mark())


async def annul_work(
    uows: UnitOfWorkFactory,
    principal: Principal,
    olympiad_id: uuid.UUID,
    work_code: str,
    reason: AnnulmentReason,
) -> WorkStatus:
    """The jury chair annuls a work (§47, §52, §68, §119); final."""
    async with uows() as uow:
        work = await _locked_work(uow, principal, olympiad_id, work_code)
        try:
            settlement = await annul(uow, work, reason)
        except ScoringError as error:
            raise Conflict(str(error)) from error
        await uow.audit(
            actor=principal.subject,
            action="work.annulled",
            object_type="work",
            object_id=_work_id(olympiad_id, work_code),
            payload={"reason": reason.value, "text": reason.text},
        )
        await audit_settlement(uow, work.key, settlement, actor=principal.subject)
        await uow.commit()
    return WorkStatus.ANNULLED


async def annul(uow: UnitOfWork, work: WorkRow, reason: AnnulmentReason) -> Settlement:
    """Annul a locked work and settle its subject and grade (no audit, no commit)."""
    if work.annulment_reason is not None:
        raise ScoringError(
            f"Работа {work.work_code} уже аннулирована: {work.annulment_reason.text}"
        )
    await store.update_work(
        uow.session,
        work.key.olympiad_id,
        work.work_code,
        status=WorkStatus.ANNULLED.value,
        annulment_reason=reason.value,
    )
    return await settle(uow, work.key, data_changed=work.status is WorkStatus.CHECKED)


async def list_works(
    uows: UnitOfWorkFactory, principal: Principal, key: SubjectGradeKey
) -> list[WorkView]:
    """The works of a subject and grade as `principal` may see them."""
    chair = principal.has_role(Role.JURY_CHAIR)
    async with uows() as uow:
        stored = await store.load_scheme(uow.session, key)
        rows = await store.list_works(uow.session, key)
        marks = await store.marks_of(uow.session, key.olympiad_id, [r.work_code for r in rows])
    views = []
    for row in rows:
        if stored is None:
            views.append(WorkView(row.work_code, row.status, (), {}, None, None))
            continue
        sheet = store.sheet_of(row, stored, marks[row.work_code])
        status = sheet.status
        open_tasks = sheet.tasks_needing_third_mark() if status is not WorkStatus.ANNULLED else ()
        mine = {m.task_number: m.points for m in sheet.visible_marks_for(principal.subject)}
        view = WorkView(row.work_code, status, open_tasks, mine)
        if chair:
            scores = None
            if status is WorkStatus.CHECKED:
                found = row.appealed_scores or sheet.final_scores()
                scores = {number: plain(points) for number, points in found.items()}
            view = WorkView(
                row.work_code,
                status,
                open_tasks,
                mine,
                scores,
                plain(sum(scores.values(), Decimal(0))) if scores is not None else None,
                row.annulment_reason,
                sheet.jury_member_ids,
            )
        views.append(view)
    return views


async def progress(uows: UnitOfWorkFactory, key: SubjectGradeKey) -> SubjectGradeProgress:
    async with uows() as uow:
        return SubjectGradeProgress.of(await store.work_statuses(uow.session, key))


async def audit_settlement(
    uow: UnitOfWork, key: SubjectGradeKey, settlement: Settlement, *, actor: str
) -> None:
    if settlement.outcome is Settled.UNCHANGED:
        return
    action = (
        "subject_grade.checked"
        if settlement.outcome is Settled.ANNOUNCED
        else "subject_grade.reopened"
    )
    await uow.audit(
        actor=actor,
        action=action,
        object_type="subject_grade",
        object_id=_subject_grade_id(key),
        payload={"checked_version": settlement.version},
    )


async def _locked_work(
    uow: UnitOfWork, principal: Principal, olympiad_id: uuid.UUID, work_code: str
) -> WorkRow:
    work = await store.get_work(uow.session, olympiad_id, work_code, lock=True)
    if work is None:
        raise NotFound(
            f"Работа с шифром «{work_code}» не найдена: проверьте шифр по сводной таблице (п. 64)."
        )
    if not principal.may_access(ScopeKind.SUBJECT, work.key.subject_code):
        raise Forbidden(
            f"Работа «{work_code}» относится к предмету, к которому у вас нет доступа: "
            "обратитесь к председателю жюри."
        )
    return work


def _work_id(olympiad_id: uuid.UUID, work_code: str) -> str:
    return f"{olympiad_id}/{work_code}"


def _subject_grade_id(key: SubjectGradeKey) -> str:
    return f"{key.olympiad_id}/{key.subject_code}/{key.grade}"


# Events from other services. The consumer owns these transactions (inbox row + commit); a rule that
# can never hold for the message is a PoisonMessage, dead-lettered with its reason, not retried.

SERVICE_ACTOR = "scoring"


async def on_work_coded(event: WorkCoded, uow: UnitOfWork) -> None:
    """Create the anonymous work; a late one reopens a subject and grade already announced."""
    key = SubjectGradeKey(event.olympiad_id, event.subject_code, event.task_grade)
    await store.ensure_subject_grade(uow.session, key)
    if not await store.insert_work(uow.session, key, event.work_code, uow.clock.now()):
        return
    early_reason = await store.take_early_withdrawal(uow.session, key.olympiad_id, event.work_code)
    if early_reason is None:
        settlement = await settle(uow, key, data_changed=False)
    else:
        # the new annulled work changes what an earlier announcement reported
        await store.update_work(
            uow.session,
            key.olympiad_id,
            event.work_code,
            status=WorkStatus.ANNULLED.value,
            annulment_reason=AnnulmentReason.REMOVED_FROM_VENUE.value,
        )
        settlement = await settle(uow, key, data_changed=True)
        await _audit_withdrawal(uow, key.olympiad_id, event.work_code, early_reason)
    await audit_settlement(uow, key, settlement, actor=SERVICE_ACTOR)


async def on_work_withdrawn(event: WorkWithdrawn, uow: UnitOfWork) -> None:
    """Annul the work of a removed participant (§53); kept until the work is coded if need be."""
    work = await store.get_work(uow.session, event.olympiad_id, event.work_code, lock=True)
    if work is None:
        await store.keep_early_withdrawal(
            uow.session, event.olympiad_id, event.work_code, event.reason, uow.clock.now()
        )
        return
    if work.annulment_reason is not None:
        return
    settlement = await annul(uow, work, AnnulmentReason.REMOVED_FROM_VENUE)
    await _audit_withdrawal(uow, event.olympiad_id, event.work_code, event.reason)
    await audit_settlement(uow, work.key, settlement, actor=SERVICE_ACTOR)


async def on_appeal_decided(event: AppealDecided, uow: UnitOfWork) -> None:
    """Apply the commission's decision (§112) to the work's final scores (§116)."""
    work = await store.get_work(uow.session, event.olympiad_id, event.work_code, lock=True)
    if work is None:
        raise PoisonMessage(f"appeal {event.appeal_id}: no work {event.work_code}")
    stored = await store.load_scheme(uow.session, work.key)
    if work.status is not WorkStatus.CHECKED or stored is None:
        raise PoisonMessage(
            f"appeal {event.appeal_id}: work {event.work_code} is {work.status.value}"
        )
    outcome = appeal_outcome(event.outcome)
    new_scores = {int(number): points for number, points in event.new_task_scores.items()}
    current = work.appealed_scores
    if current is None:
        marks = await store.marks_of(uow.session, event.olympiad_id, [event.work_code])
        current = store.sheet_of(work, stored, marks[event.work_code]).final_scores()
    if new_scores and all(current.get(n) == p for n, p in new_scores.items()):
        return  # the same decision delivered again under another message id: already applied
    try:
        result = apply_appeal(current, AppealDecision(outcome, new_scores), stored.scheme)
    except ScoringError as error:
        raise PoisonMessage(f"appeal {event.appeal_id}: {error}") from error
    payload = {
        "appeal_id": str(event.appeal_id),
        "outcome": outcome.value,
        "previous_total": str(result.previous_total),
        "total": str(result.total),
        "task_scores": {str(n): str(p) for n, p in sorted(result.scores.items())},
    }
    if outcome is not AppealOutcome.REJECTED:
        scores = dict(result.scores)
        await store.update_work(
            uow.session,
            event.olympiad_id,
            event.work_code,
            appealed_scores={str(n): str(p) for n, p in scores.items()},
        )
        uow.publish(
            WorkRescored(
                olympiad_id=event.olympiad_id,
                subject_code=work.key.subject_code,
                grade=work.key.grade,
                appeal_id=event.appeal_id,
                work=scored_work(event.work_code, scores, stored.scheme.max_total),
            )
        )
    await uow.audit(
        actor=SERVICE_ACTOR,
        action="work.appeal_applied",
        object_type="work",
        object_id=_work_id(event.olympiad_id, event.work_code),
        payload=payload,
    )


_OUTCOME_VERBS = {
    "reject": AppealOutcome.REJECTED,
    "lower": AppealOutcome.LOWERED,
    "raise": AppealOutcome.RAISED,
}


def appeal_outcome(text: str) -> AppealOutcome:
    """The outcome by its code ("raised"), its protocol wording (§112) or its verb ("raise")."""
    wanted = text.strip().lower()
    for outcome in AppealOutcome:
        if wanted in (outcome.value, outcome.label):
            return outcome
    if wanted in _OUTCOME_VERBS:
        return _OUTCOME_VERBS[wanted]
    raise PoisonMessage(f"unknown appeal outcome {text!r}")


async def _audit_withdrawal(
    uow: UnitOfWork, olympiad_id: uuid.UUID, work_code: str, reason: str
) -> None:
    await uow.audit(
        actor=SERVICE_ACTOR,
        action="work.annulled",
        object_type="work",
        object_id=_work_id(olympiad_id, work_code),
        payload={
            "reason": AnnulmentReason.REMOVED_FROM_VENUE.value,
            "text": AnnulmentReason.REMOVED_FROM_VENUE.text,
            "removal": reason,
        },
    )
