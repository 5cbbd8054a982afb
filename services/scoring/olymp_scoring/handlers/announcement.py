"""Announcing that a subject and grade is fully checked (§61): exactly once per completion.

The subject-grade row is locked `FOR UPDATE` before the works are counted, so two last marks committed
at the same moment are serialised: the second sees the first's work as checked, and the row's
`announced_at` tells it whether the announcement was already made.

Nothing is announced while no work is checked: an annulled work counts as done, so without this
rule a removal that reached scoring before the subject's first WorkCoded made a one-work
announcement. A subject and grade whose every work is annulled is therefore never announced.

Reopening: a work coded after the announcement (a late WorkCoded) clears `announced_at`; when that
work too is checked, `SubjectGradeChecked` is published again with every work, and `checked_version`
grows by one. An annulment of an already checked work after the announcement changes the announced
data, so the event is published again at once (§119: the final table must not rank it). Consumers
keep, per work, what the statement with the highest `revision` said: announcements and appeal
rescorings share one sequence per subject and grade (`store.next_revision`), numbered in commit
order, so a late message cannot undo a newer one. The version is in the audit trail.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

from olymp_core.contracts.scoring import ScoreCorrection, ScoredWork, SubjectGradeChecked
from olymp_core.db import UnitOfWork
from olymp_core.subject_grade import SubjectGrade
from olymp_scoring import store
from olymp_scoring.domain import SubjectGradeProgress, WorkStatus, plain


class Settled(enum.Enum):
    UNCHANGED = "unchanged"
    ANNOUNCED = "announced"
    REOPENED = "reopened"


@dataclass(frozen=True)
class Settlement:
    outcome: Settled
    version: int


async def settle(
    uow: UnitOfWork,
    key: SubjectGrade,
    *,
    data_changed: bool,
    correction: ScoreCorrection | None = None,
) -> Settlement:
    """Publish SubjectGradeChecked if this transaction completed the subject and grade.

    `data_changed`: the transaction changed a work that an earlier announcement already reported;
    `correction`: it did so to correct a technical error (§120), which the statement then names.
    """
    session = uow.session
    row = await store.lock_subject_grade(session, key)
    assert row is not None, "the subject-grade row is created with its first work"
    progress = SubjectGradeProgress.of(await store.work_statuses(session, key))
    announced = row.announced_at is not None
    if not progress.all_checked:
        if announced:
            await store.mark_announced(session, key, row.checked_version, None)
            return Settlement(Settled.REOPENED, row.checked_version)
        return Settlement(Settled.UNCHANGED, row.checked_version)
    if progress.total == 0 or (announced and not data_changed):
        return Settlement(Settled.UNCHANGED, row.checked_version)
    if progress.checked == 0:
        # only annulled works so far (a removal that overtook the first WorkCoded): nothing has
        # been checked, so the subject is not complete, whatever else is still on its way
        return Settlement(Settled.UNCHANGED, row.checked_version)
    version = row.checked_version + 1
    revision = await store.next_revision(session, key)
    uow.publish(await checked_event(uow, key, revision, correction))
    await store.mark_announced(session, key, version, uow.clock.now())
    return Settlement(Settled.ANNOUNCED, version)


async def checked_event(
    uow: UnitOfWork, key: SubjectGrade, revision: int, correction: ScoreCorrection | None = None
) -> SubjectGradeChecked:
    session = uow.session
    stored = await store.load_scheme(session, key)
    rows = await store.list_works(session, key)
    all_marks = await store.marks_of(session, key.olympiad_id, [row.work_code for row in rows])
    task_max = {str(task.number): task.max_points for task in stored.scheme.tasks} if stored else {}
    max_total = stored.scheme.max_total if stored else Decimal(0)
    scored: list[ScoredWork] = []
    for row in rows:
        if row.status is WorkStatus.ANNULLED:
            assert row.annulment_reason is not None
            scored.append(
                ScoredWork(
                    work_code=row.work_code,
                    task_scores={},
                    total=None,
                    max_total=max_total,
                    annulled=True,
                    annulment_reason=row.annulment_reason.value,
                )
            )
            continue
        # a checked work has marks, and marks need a scheme
        assert stored is not None
        scores = row.appealed_scores
        if scores is None:
            scores = store.sheet_of(row, stored, all_marks[row.work_code]).final_scores()
        scored.append(scored_work(row.work_code, scores, max_total))
    return SubjectGradeChecked(
        olympiad_id=key.olympiad_id,
        subject_code=key.subject_code,
        grade=key.grade,
        task_max=task_max,
        works=tuple(scored),
        revision=revision,
        correction=correction,
    )


def scored_work(work_code: str, scores: dict[int, Decimal], max_total: Decimal) -> ScoredWork:
    return ScoredWork(
        work_code=work_code,
        task_scores={str(number): plain(points) for number, points in sorted(scores.items())},
        total=plain(sum(scores.values(), Decimal(0))),
        max_total=plain(max_total),
    )


async def audit_settlement(
    uow: UnitOfWork, key: SubjectGrade, settlement: Settlement, *, actor: str
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
        object_id=key.object_id,
        payload={"checked_version": settlement.version},
    )
