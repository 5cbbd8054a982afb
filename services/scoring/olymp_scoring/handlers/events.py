"""What scoring does with other services' events. These handlers never commit: the consumer
commits their work with the inbox row. A rule that can never hold for the message is a
PoisonMessage, dead-lettered with its reason, not retried."""

from __future__ import annotations

import uuid

from olymp_core.contracts.appeals import AppealDecided
from olymp_core.contracts.appeals import AppealOutcome as DecidedOutcome
from olymp_core.contracts.coding import WorkCoded, WorkWithdrawn
from olymp_core.contracts.publishing import ResultsPublished
from olymp_core.contracts.scoring import WorkRescored
from olymp_core.db import UnitOfWork
from olymp_core.events import PoisonMessage
from olymp_core.subject_grade import SubjectGrade
from olymp_scoring import store
from olymp_scoring.domain import (
    AnnulmentReason,
    AppealDecision,
    AppealOutcome,
    ScoringError,
    WorkStatus,
    apply_appeal,
)
from olymp_scoring.domain.work import checked_automatically
from olymp_scoring.handlers.announcement import audit_settlement, scored_work, settle
from olymp_scoring.handlers.marking import annul, work_id

SERVICE_ACTOR = "scoring"

OUTCOMES = {
    DecidedOutcome.REJECT: AppealOutcome.REJECTED,
    DecidedOutcome.RAISE: AppealOutcome.RAISED,
    DecidedOutcome.LOWER: AppealOutcome.LOWERED,
}


async def on_work_coded(event: WorkCoded, uow: UnitOfWork) -> None:
    """Create the anonymous work; a late one reopens a subject and grade already announced.

    A work of a subject the testing system checks (informatics, §67) awaits its results file, not
    the jury's marks: the marking queue never hands it out."""
    key = SubjectGrade(event.olympiad_id, event.subject_code, event.task_grade)
    await store.lock_work_arrival(uow.session, event.olympiad_id, event.work_code)
    await store.ensure_subject_grade(uow.session, key)
    automatic = checked_automatically(event.subject_code)
    if not await store.insert_work(
        uow.session, key, event.work_code, uow.clock.now(), checked_automatically=automatic
    ):
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
    await store.lock_work_arrival(uow.session, event.olympiad_id, event.work_code)
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
    outcome = OUTCOMES[event.outcome]
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
                revision=await store.next_revision(uow.session, work.key),
            )
        )
    await uow.audit(
        actor=SERVICE_ACTOR,
        action="work.appeal_applied",
        object_type="work",
        object_id=work_id(event.olympiad_id, event.work_code),
        payload=payload,
    )


async def _audit_withdrawal(
    uow: UnitOfWork, olympiad_id: uuid.UUID, work_code: str, reason: str
) -> None:
    await uow.audit(
        actor=SERVICE_ACTOR,
        action="work.annulled",
        object_type="work",
        object_id=work_id(olympiad_id, work_code),
        payload={
            "reason": AnnulmentReason.REMOVED_FROM_VENUE.value,
            "text": AnnulmentReason.REMOVED_FROM_VENUE.text,
            "removal": reason,
        },
    )


async def on_results_published(event: ResultsPublished, uow: UnitOfWork) -> None:
    """The final table is out: from now on the chair cannot annul in it (§119), only the organiser
    can correct it (§120). A preliminary version changes nothing here."""
    if event.stage != "final":
        return
    key = SubjectGrade(event.olympiad_id, event.subject_code, event.grade)
    await store.mark_final_published(uow.session, key, uow.clock.now())
