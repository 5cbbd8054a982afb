"""Corrections of technical errors in the jury's protocols (§120, §21).

The jury chair or the organiser corrects a checked work's points (a mark typed wrongly, a sum
transcribed wrongly) and says why. The corrected points become the work's final scores, as an
appeal's do (§116); the correction is audited with the points before and after. A subject and
grade already announced is announced again with the correction named, and publishing publishes
final results already out as a new final version.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from olymp_core.auth import Principal
from olymp_core.contracts.scoring import ScoreCorrection
from olymp_core.db import UnitOfWork
from olymp_scoring import store
from olymp_scoring.domain import WorkStatus, plain
from olymp_scoring.domain.errors import CriteriaMissing, MarkingRefused
from olymp_scoring.handlers.announcement import audit_settlement, settle
from olymp_scoring.handlers.marking import locked_work, work_id


@dataclass(frozen=True)
class CorrectScores:
    olympiad_id: uuid.UUID
    work_code: str
    task_scores: dict[int, Decimal]  # only the tasks corrected
    reason: str


@dataclass(frozen=True)
class Correction:
    work_code: str
    before: dict[int, Decimal]
    after: dict[int, Decimal]

    @property
    def changed(self) -> bool:
        return self.before != self.after


async def correct_scores(command: CorrectScores, uow: UnitOfWork, actor: Principal) -> Correction:
    work = await locked_work(uow, actor, command.olympiad_id, command.work_code)
    if work.status is not WorkStatus.CHECKED:
        raise MarkingRefused(
            f"Работа {work.work_code} — «{work.status.label}»: исправлять можно баллы только"
            " проверенной работы (п. 120)."
        )
    stored = await store.load_scheme(uow.session, work.key)
    if stored is None:  # a checked work was marked under a scheme; kept for the type checker
        raise CriteriaMissing("Критерии оценивания не заданы.")
    for number, points in command.task_scores.items():
        stored.scheme.validate_points(number, points)
    current = work.appealed_scores
    if current is None:
        marks = await store.marks_of(uow.session, command.olympiad_id, [command.work_code])
        current = store.sheet_of(work, stored, marks[command.work_code]).final_scores()
    before = {number: plain(points) for number, points in current.items()}
    after = {**before, **{n: plain(p) for n, p in command.task_scores.items()}}
    correction = Correction(work.work_code, before, after)
    if not correction.changed:
        return correction  # the points are already so (a retry after a lost answer)
    await store.update_work(
        uow.session,
        command.olympiad_id,
        command.work_code,
        appealed_scores={str(n): str(p) for n, p in after.items()},
    )
    note = ScoreCorrection(
        work_code=work.work_code, reason=command.reason, corrected_by=actor.subject
    )
    settlement = await settle(uow, work.key, data_changed=True, correction=note)
    await uow.audit(
        actor=actor.subject,
        action="work.corrected",
        object_type="work",
        object_id=work_id(command.olympiad_id, command.work_code),
        payload={
            "reason": command.reason,
            "before": {str(n): str(p) for n, p in sorted(before.items())},
            "after": {str(n): str(p) for n, p in sorted(after.items())},
            "total_before": str(sum(before.values(), Decimal(0))),
            "total_after": str(sum(after.values(), Decimal(0))),
        },
    )
    await audit_settlement(uow, work.key, settlement, actor=actor.subject)
    await uow.commit()
    return correction
