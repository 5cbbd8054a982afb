"""Commands and queries of the jury's checking: the criteria, marks, annulment, progress.

Each command handler takes `(command, uow, actor)` and commits. Lock order, everywhere: a member's
claim lock (`store.lock_claimant`, the marking queue only), the work row, then the subject-grade row
(`announcement.settle`), then the audit trail's lock (taken at commit). One order means no
deadlocks. The marking queue (`handlers.claims`) never waits for a work row while it holds one.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from olymp_core.auth import Principal, Role, ScopeKind
from olymp_core.db import UnitOfWork
from olymp_core.errors import NotPermitted
from olymp_core.subject_grade import SubjectGrade
from olymp_scoring import store
from olymp_scoring.domain import (
    AnnulmentReason,
    CheckingPolicy,
    DiscrepancyThreshold,
    MarkingScheme,
    SubjectGradeProgress,
    ThresholdKind,
    WorkStatus,
    free_hands,
    plain,
    scoring_rule,
)
from olymp_scoring.domain.errors import (
    AlreadyAnnulled,
    ClaimedByOthers,
    CriteriaLocked,
    CriteriaMissing,
    ResultsFinal,
    WorkNotFound,
)
from olymp_scoring.domain.notes import MarkingNotes
from olymp_scoring.domain.work import checked_automatically
from olymp_scoring.handlers.announcement import Settlement, audit_settlement, settle
from olymp_scoring.store import StoredScheme, WorkRow

THRESHOLD_KINDS = {
    "points": ThresholdKind.POINTS,
    "share": ThresholdKind.SHARE_OF_MAX,
    "share_of_max": ThresholdKind.SHARE_OF_MAX,
}


@dataclass(frozen=True)
class SetScheme:
    subject_grade: SubjectGrade
    tasks: tuple[tuple[int, Decimal], ...]
    step: Decimal
    threshold_kind: str
    threshold_value: Decimal
    rule: str


@dataclass(frozen=True)
class RecordMarking:
    olympiad_id: uuid.UUID
    work_code: str
    task_scores: Mapping[int, Decimal]
    notes: MarkingNotes = field(default_factory=MarkingNotes)


@dataclass(frozen=True)
class AnnulWork:
    olympiad_id: uuid.UUID
    work_code: str
    reason: AnnulmentReason


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


async def set_scheme(command: SetScheme, uow: UnitOfWork, actor: Principal) -> StoredScheme:
    """Set the criteria of a subject and grade; refused once any work has a mark or imported
    points (for a subject the testing system checks, the tasks and their maxima of its file)."""
    key = command.subject_grade
    scheme = MarkingScheme.of(command.tasks, command.step)
    threshold = DiscrepancyThreshold(
        THRESHOLD_KINDS[command.threshold_kind], command.threshold_value
    )
    stored = StoredScheme(scheme, CheckingPolicy(threshold, scoring_rule(command.rule)))
    await store.ensure_subject_grade(uow.session, key)
    await store.lock_subject_grade(uow.session, key)
    if await store.any_marks(uow.session, key) or await store.any_imported(uow.session, key):
        raise CriteriaLocked(
            f"Работы по предмету «{key.subject_code}», {key.grade} класс, уже оцениваются: "
            "критерии оценивания после начала проверки (или загрузки результатов тестирующей "
            "системы) не меняются."
        )
    await store.save_scheme(uow.session, key, stored)
    await uow.audit(
        actor=actor.subject,
        action="scheme.set",
        object_type="subject_grade",
        object_id=key.object_id,
        payload=stored.to_json(),
    )
    await uow.commit()
    return stored


async def record_marking(
    command: RecordMarking, uow: UnitOfWork, actor: Principal
) -> MarkingResult:
    """One jury member's marks of one work; the member is the token's subject."""
    member = actor.subject
    # the work's row lock is what makes the claim check below exact: claims and marks of a work
    # are only written while it is held
    work = await locked_work(uow, actor, command.olympiad_id, command.work_code)
    stored = await required_scheme(uow, work.key)
    for number, points in command.task_scores.items():
        stored.scheme.validate_points(number, points)
    marks = await store.marks_of(uow.session, command.olympiad_id, [command.work_code])
    sheet = store.sheet_of(work, stored, marks[command.work_code])
    given = {m.task_number: m.points for m in sheet.marks if m.jury_member_id == member}
    if given and given == dict(command.task_scores):
        # the same marks again (a retry after a lost answer, a double submit): they stand once;
        # different marks from the same member are still refused as a second marking (§69)
        return MarkingResult(command.work_code, sheet.status, sheet.tasks_needing_third_mark())
    updated = sheet.record_marking(member, command.task_scores)
    now = uow.clock.now()
    claimed = await store.claimants(uow.session, command.olympiad_id, command.work_code, now)
    others = len(claimed) - (member in claimed)
    if member not in claimed and free_hands(sheet.status, len(sheet.jury_member_ids), others) == 0:
        # claims are authoritative: the places at this work are promised to the members the
        # queue gave it to; without claims (marking by code, as before the queue) nothing changes
        raise ClaimedByOthers(
            f"Работу {command.work_code} сейчас проверяют другие члены жюри: каждую работу "
            "проверяют два разных члена жюри (п. 69), спорные задания — один третий (п. 73), "
            "и эти места уже заняты. Возьмите следующую работу из очереди."
        )
    # the member's claim is fulfilled; expired claims of the work go too while it is locked
    await store.delete_claim(uow.session, command.olympiad_id, command.work_code, member)
    await store.delete_stale_claims(uow.session, command.olympiad_id, command.work_code, now)
    new_marks = updated.marks[len(sheet.marks) :]
    await store.insert_marks(uow.session, command.olympiad_id, command.work_code, new_marks, now)
    if not command.notes.empty:
        await store.save_notes(
            uow.session, command.olympiad_id, command.work_code, member, command.notes, now
        )
    await store.update_work(
        uow.session, command.olympiad_id, command.work_code, status=updated.status.value
    )
    settlement = await settle(uow, work.key, data_changed=False)
    await uow.audit(
        actor=member,
        action="work.marked",
        object_type="work",
        object_id=work_id(command.olympiad_id, command.work_code),
        payload={
            "task_scores": {str(m.task_number): str(m.points) for m in new_marks},
            "status": updated.status.value,
            "comment": command.notes.comment,
            "annotations": len(command.notes.annotations),
        },
    )
    await audit_settlement(uow, work.key, settlement, actor=member)
    await uow.commit()
    return MarkingResult(command.work_code, updated.status, updated.tasks_needing_third_mark())


async def annul_work(command: AnnulWork, uow: UnitOfWork, actor: Principal) -> WorkStatus:
    """The jury chair annuls a work (§47, §52, §68, §119); final."""
    work = await locked_work(uow, actor, command.olympiad_id, command.work_code)
    if work.annulment_reason is command.reason:
        return WorkStatus.ANNULLED  # the same annulment again (a retry): it stands once
    final_at = await store.final_published_at(uow.session, work.key)
    if final_at is not None:
        raise ResultsFinal(
            f"Итоговые результаты по предмету «{work.key.subject_code}», {work.key.grade} класс, "
            f"опубликованы {final_at:%d.%m.%Y}: аннулировать работу {work.work_code} уже нельзя "
            "(п. 119 Порядка — только до утверждения итоговых результатов). Ошибку в итоговых "
            "результатах исправляет организатор как техническую ошибку (п. 120)."
        )
    settlement = await annul(uow, work, command.reason)
    await uow.audit(
        actor=actor.subject,
        action="work.annulled",
        object_type="work",
        object_id=work_id(command.olympiad_id, command.work_code),
        payload={"reason": command.reason.value, "text": command.reason.text},
    )
    await audit_settlement(uow, work.key, settlement, actor=actor.subject)
    await uow.commit()
    return WorkStatus.ANNULLED


async def annul(uow: UnitOfWork, work: WorkRow, reason: AnnulmentReason) -> Settlement:
    """Annul a locked work and settle its subject and grade (no audit, no commit)."""
    if work.annulment_reason is not None:
        raise AlreadyAnnulled(
            f"Работа {work.work_code} уже аннулирована: {work.annulment_reason.text}"
        )
    await store.update_work(
        uow.session,
        work.key.olympiad_id,
        work.work_code,
        status=WorkStatus.ANNULLED.value,
        annulment_reason=reason.value,
    )
    # nobody marks an annulled work: its claims would only hold their members back
    await store.delete_stale_claims(uow.session, work.key.olympiad_id, work.work_code, None)
    return await settle(uow, work.key, data_changed=work.status is WorkStatus.CHECKED)


async def list_works(key: SubjectGrade, uow: UnitOfWork, actor: Principal) -> list[WorkView]:
    """The works of a subject and grade as `actor` may see them."""
    chair = actor.has_role(Role.JURY_CHAIR)
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
        mine = {m.task_number: m.points for m in sheet.visible_marks_for(actor.subject)}
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


async def progress(key: SubjectGrade, uow: UnitOfWork) -> SubjectGradeProgress:
    return SubjectGradeProgress.of(await store.work_statuses(uow.session, key))


@dataclass(frozen=True)
class MarkingRound:
    """One member's marks of a work: round 1 and 2 are the independent ones (§69), 3 the
    third member's marks of the disputed tasks (§73)."""

    number: int
    jury_member_id: str
    task_scores: dict[int, Decimal]
    notes: MarkingNotes = field(default_factory=MarkingNotes)

    @property
    def label(self) -> str:
        return f"{self.number}-я проверка"


@dataclass(frozen=True)
class WorkRounds:
    work_code: str
    status: WorkStatus
    disputed_tasks: tuple[int, ...]
    rounds: tuple[MarkingRound, ...]


async def work_rounds(
    olympiad_id: uuid.UUID, work_code: str, uow: UnitOfWork, actor: Principal
) -> WorkRounds:
    """Every round of a work's marks, labelled: for the jury chair, and for the third member
    while they hold the work; a member marking it first or second sees none of them (§69)."""
    work = await store.get_work(uow.session, olympiad_id, work_code)
    if work is None:
        raise WorkNotFound(
            f"Работа с шифром «{work_code}» не найдена: проверьте шифр по сводной таблице (п. 64)."
        )
    if not actor.may_access(ScopeKind.SUBJECT, work.key.subject_code):
        raise NotPermitted(
            f"Работа «{work_code}» относится к предмету, к которому у вас нет доступа."
        )
    if actor.has_role(Role.APPEAL_MEMBER) and not actor.has_role(Role.JURY_CHAIR):
        if work.status is not WorkStatus.CHECKED:
            raise NotPermitted(
                "Апелляционная комиссия рассматривает проверенную работу (п. 108), а эта работа "
                "ещё не проверена или аннулирована."
            )
    elif not actor.has_role(Role.JURY_CHAIR):
        holders = await store.claimants(uow.session, olympiad_id, work_code, uow.clock.now())
        if work.status is not WorkStatus.NEEDS_THIRD_MARK or actor.subject not in holders:
            raise NotPermitted(
                "Оценки других членов жюри видны только третьему члену жюри, проверяющему "
                "задания с расхождением (п. 73), и председателю жюри: каждую работу два члена "
                "жюри проверяют независимо (п. 69)."
            )
    stored = await required_scheme(uow, work.key)
    marks = (await store.marks_of(uow.session, olympiad_id, [work_code]))[work_code]
    sheet = store.sheet_of(work, stored, marks)
    notes = await store.notes_of(uow.session, olympiad_id, work_code)
    rounds = []
    for number, member in enumerate(sheet.jury_member_ids, start=1):
        scores = {m.task_number: plain(m.points) for m in marks if m.jury_member_id == member}
        rounds.append(MarkingRound(number, member, scores, notes.get(member, MarkingNotes())))
    disputed = sheet.disputed_tasks() if work.status is not WorkStatus.ANNULLED else ()
    return WorkRounds(work_code, sheet.status, disputed, tuple(rounds))


@dataclass(frozen=True)
class SubjectGradeSummary:
    key: SubjectGrade
    criteria_set: bool
    works_total: int
    works_checked: int
    # §67: its points come from the testing system's results file, not from the marking queue
    checked_automatically: bool = False


async def subject_grades(
    olympiad_id: uuid.UUID, uow: UnitOfWork, actor: Principal
) -> list[SubjectGradeSummary]:
    """The subjects and grades of an olympiad the caller's subject scope reaches, with counts."""
    found = []
    for key, has_scheme, statuses in await store.subject_grade_summaries(uow.session, olympiad_id):
        if not actor.may_access(ScopeKind.SUBJECT, key.subject_code):
            continue
        checked = sum(1 for status in statuses if status.done)
        found.append(
            SubjectGradeSummary(
                key,
                has_scheme,
                len(statuses),
                checked,
                checked_automatically(key.subject_code),
            )
        )
    return found


async def required_scheme(uow: UnitOfWork, key: SubjectGrade) -> StoredScheme:
    """The criteria of the subject and grade; nothing is marked or handed out without them."""
    stored = await store.load_scheme(uow.session, key)
    if stored is None:
        raise CriteriaMissing(
            f"Критерии оценивания для предмета «{key.subject_code}», "
            f"{key.grade} класс, не заданы: председатель жюри должен задать их до проверки."
        )
    return stored


async def locked_work(
    uow: UnitOfWork, actor: Principal, olympiad_id: uuid.UUID, work_code: str
) -> WorkRow:
    work = await store.get_work(uow.session, olympiad_id, work_code, lock=True)
    if work is None:
        raise WorkNotFound(
            f"Работа с шифром «{work_code}» не найдена: проверьте шифр по сводной таблице (п. 64)."
        )
    if not actor.may_access(ScopeKind.SUBJECT, work.key.subject_code):
        raise NotPermitted(
            f"Работа «{work_code}» относится к предмету, к которому у вас нет доступа: "
            "обратитесь к председателю жюри."
        )
    return work


def work_id(olympiad_id: uuid.UUID, work_code: str) -> str:
    return f"{olympiad_id}/{work_code}"
