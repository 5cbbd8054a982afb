"""Routes of the jury's checking: criteria, the marking queue, marks, annulment, corrections,
the checking protocol, progress."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response

from olymp_core import protocol_documents
from olymp_core.auth import Principal, Role, authorize
from olymp_core.dependencies import Uow
from olymp_core.subject_grade import SubjectGrade
from olymp_scoring import handlers
from olymp_scoring.api.common import (
    Chair,
    ChairOnly,
    Corrector,
    Grade,
    Jury,
    JuryAnyWork,
    ProtocolReader,
    Settings,
    Watchers,
    points_read,
)
from olymp_scoring.domain.notes import Annotation, MarkingNotes
from olymp_scoring.handlers import MarkingProgress, WorkView
from olymp_scoring.schemas import (
    AnnotationRead,
    AnnulmentCreate,
    AnnulmentRead,
    ClaimRead,
    CorrectionCreate,
    CorrectionRead,
    HeldClaimRead,
    MarkingCreate,
    MarkingProgressRead,
    MarkingRead,
    MarkingRoundRead,
    MarkingTotals,
    MemberProgressRead,
    ProgressRead,
    SchemeRead,
    SchemeUpdate,
    SubjectGradeList,
    SubjectGradeRead,
    TaskProgressRead,
    WorkList,
    WorkRead,
    WorkRoundsRead,
)

router = APIRouter(prefix="/olympiads/{olympiad_id}", tags=["scoring"])


@router.put(
    "/subjects/{subject_code}/grades/{grade}/scheme",
    summary="Set the marking criteria of a subject and grade (before checking starts)",
)
async def put_scheme(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    body: SchemeUpdate,
    who: Chair,
    uow: Uow,
) -> SchemeRead:
    command = handlers.SetScheme(
        SubjectGrade(olympiad_id, subject_code, grade),
        tasks=tuple((task.number, task.max_points) for task in body.tasks),
        step=body.step,
        threshold_kind=body.threshold.kind,
        threshold_value=body.threshold.value,
        rule=body.rule,
    )
    stored = await handlers.set_scheme(command, uow, who)
    return SchemeRead.model_validate(stored.to_json())


@router.get(
    "/subjects/{subject_code}/grades/{grade}/scheme",
    summary="The marking criteria of a subject and grade (what a jury member marks against)",
)
async def get_scheme(
    olympiad_id: uuid.UUID, subject_code: str, grade: Grade, who: Jury, uow: Uow
) -> SchemeRead:
    key = SubjectGrade(olympiad_id, subject_code, grade)
    stored = await handlers.required_scheme(uow, key)
    return SchemeRead.model_validate(stored.to_json())


@router.get(
    "/subject-grades",
    summary="The subjects and grades being checked, within the caller's subject scope",
)
async def get_subject_grades(
    olympiad_id: uuid.UUID, who: JuryAnyWork, uow: Uow
) -> SubjectGradeList:
    found = await handlers.subject_grades(olympiad_id, uow, who)
    return SubjectGradeList(
        subject_grades=[
            SubjectGradeRead(
                subject_code=item.key.subject_code,
                grade=item.key.grade,
                criteria_set=item.criteria_set,
                checked_automatically=item.checked_automatically,
                works_total=item.works_total,
                works_checked=item.works_checked,
            )
            for item in found
        ]
    )


@router.get(
    "/subjects/{subject_code}/grades/{grade}/works",
    summary="Coded works of a subject and grade; a jury member sees only their own marks",
)
async def get_works(
    olympiad_id: uuid.UUID, subject_code: str, grade: Grade, who: Jury, uow: Uow
) -> WorkList:
    views = await handlers.list_works(SubjectGrade(olympiad_id, subject_code, grade), uow, who)
    return WorkList(works=[_work_read(view) for view in views])


@router.post(
    "/subjects/{subject_code}/grades/{grade}/claims",
    status_code=201,
    response_model=ClaimRead,
    summary="Take the next work to mark: the server chooses it and holds it for the caller",
    description="201: the work held for the caller until `expires_at`, with the tasks to mark"
    " (all of them, or only the open disputed ones when `third_mark`). Works needing a third mark"
    " come first; a member never gets a work they marked, and a work never has more hands than"
    " §69 and §73 allow. While the caller holds an unexpired claim here, the same claim is"
    " answered again (201), so a reloaded page does not take a second work. 204: nothing is left"
    " for the caller right now (every remaining work is marked by them, checked, annulled or held"
    " by others); ask again later, as claims expire and disputes appear. 409 `criteria-missing`:"
    " no criteria yet; 409 `claims-busy`: too many members asked at once, ask again.",
    responses={204: {"description": "Nothing is left for the caller to mark right now"}},
)
async def post_claim(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    who: Jury,
    uow: Uow,
    settings: Settings,
) -> ClaimRead | Response:
    command = handlers.ClaimNext(
        SubjectGrade(olympiad_id, subject_code, grade),
        lifetime=dt.timedelta(minutes=settings.claim_minutes),
    )
    claim = await handlers.claim_next(command, uow, who)
    if claim is None:
        return Response(status_code=204)
    return ClaimRead(
        work_code=claim.work_code,
        status=claim.status,
        status_label=claim.status.label,
        tasks=list(claim.tasks),
        third_mark=claim.third_mark,
        expires_at=claim.expires_at,
    )


@router.delete(
    "/works/{work_code}/claim",
    status_code=204,
    response_class=Response,
    summary="Give back the caller's claim on a work, unmarked (none held: 204 as well)",
)
async def delete_claim(
    olympiad_id: uuid.UUID, work_code: str, who: JuryAnyWork, uow: Uow
) -> Response:
    await handlers.release_claim(handlers.ReleaseClaim(olympiad_id, work_code), uow, who)
    return Response(status_code=204)


@router.get(
    "/subjects/{subject_code}/grades/{grade}/marking-progress",
    summary="Marking by member and task, with the claims held now; a member sees their own line",
    description="The jury chair sees every member and the per-task discrepancy; a jury member"
    " sees only their own line and the totals (§69: markings stay independent).",
)
async def get_marking_progress(
    olympiad_id: uuid.UUID, subject_code: str, grade: Grade, who: Jury, uow: Uow
) -> MarkingProgressRead:
    key = SubjectGrade(olympiad_id, subject_code, grade)
    return _marking_progress_read(await handlers.marking_progress(key, uow, who))


# the jury, and the appeal commission, which reviews the checked work with its rounds (§108)
RoundsReader = Annotated[
    Principal, Depends(authorize(Role.JURY_MEMBER, Role.JURY_CHAIR, Role.APPEAL_MEMBER))
]


@router.get(
    "/works/{work_code}/rounds",
    summary="Every round of a work's marks, labelled (the jury chair; the third member; the "
    "appeal commission once the work is checked)",
    description="A jury member sees them only while holding the work for its third check (§73);"
    " the first two members never see each other's marks (§69): 403. The appeal commission is"
    " given the checked work with its marking protocols (§108).",
)
async def get_rounds(
    olympiad_id: uuid.UUID, work_code: str, who: RoundsReader, uow: Uow
) -> WorkRoundsRead:
    found = await handlers.work_rounds(olympiad_id, work_code, uow, who)
    return WorkRoundsRead(
        work_code=found.work_code,
        status=found.status,
        disputed_tasks=list(found.disputed_tasks),
        rounds=[
            MarkingRoundRead(
                number=r.number,
                label=r.label,
                jury_member_id=r.jury_member_id,
                task_scores={str(n): p for n, p in r.task_scores.items()},
                comment=r.notes.comment,
                annotations=[AnnotationRead(**a.to_json()) for a in r.notes.annotations],
            )
            for r in found.rounds
        ],
    )


@router.post(
    "/works/{work_code}/marks",
    summary="Record one jury member's marks of a work, with a comment and annotations on its scans",
    description="The comment and annotations are kept with the marks and shown only with the"
    " rounds (the third member, the chair), never to the other first member (§69)."
    " The member's claim on the work, if any, is fulfilled. Refused (409"
    " `claimed-by-others`) to a member without a claim when other members' claims hold every"
    " place at the work; with no claims, any member may mark.",
)
async def post_marks(
    olympiad_id: uuid.UUID, work_code: str, body: MarkingCreate, who: JuryAnyWork, uow: Uow
) -> MarkingRead:
    annotations = [Annotation(**a.model_dump()) for a in body.annotations]
    command = handlers.RecordMarking(
        olympiad_id, work_code, body.task_scores, MarkingNotes.of(body.comment, annotations)
    )
    result = await handlers.record_marking(command, uow, who)
    return MarkingRead(
        work_code=result.work_code,
        status=result.status,
        status_label=result.status.label,
        needs_third_mark_tasks=list(result.needs_third_mark_tasks),
    )


@router.post("/works/{work_code}/annulment", summary="Annul a work, with the reason")
async def post_annulment(
    olympiad_id: uuid.UUID, work_code: str, body: AnnulmentCreate, who: ChairOnly, uow: Uow
) -> AnnulmentRead:
    command = handlers.AnnulWork(olympiad_id, work_code, body.reason)
    status = await handlers.annul_work(command, uow, who)
    return AnnulmentRead(
        work_code=work_code, status=status, reason=body.reason, reason_text=body.reason.text
    )


@router.post(
    "/works/{work_code}/correction",
    summary="Correct a technical error in a checked work's points, with the reason (§120)",
    description="By the jury chair or the organiser. The points become the work's final scores;"
    " an announced subject and grade is announced again, and final results already published"
    " are published again as a new version naming the reason.",
)
async def post_correction(
    olympiad_id: uuid.UUID, work_code: str, body: CorrectionCreate, who: Corrector, uow: Uow
) -> CorrectionRead:
    command = handlers.CorrectScores(
        olympiad_id, work_code, dict(body.task_scores), body.reason.strip()
    )
    found = await handlers.correct_scores(command, uow, who)
    return CorrectionRead(
        work_code=work_code,
        changed=found.changed,
        task_scores_before={str(n): p for n, p in sorted(found.before.items())},
        task_scores_after={str(n): p for n, p in sorted(found.after.items())},
        total_before=sum(found.before.values(), Decimal(0)),
        total_after=sum(found.after.values(), Decimal(0)),
    )


@router.get(
    "/subjects/{subject_code}/grades/{grade}/protocols/checking.{extension}",
    summary="The checking protocol (App. 10): marks per task, member and round, as PDF or XLSX",
    description="Works by code only. For the subject's jury chair and the organiser; every copy"
    " is audited.",
    response_class=Response,
    responses={200: {"content": {media: {} for media in protocol_documents.FORMATS.values()}}},
)
async def get_checking_protocol(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    extension: Literal["pdf", "xlsx"],
    who: ProtocolReader,
    uow: Uow,
) -> Response:
    key = SubjectGrade(olympiad_id, subject_code, grade)
    found = await handlers.checking_protocol(key, extension, uow, who)
    return Response(
        found.body,
        media_type=found.media_type,
        headers={"Content-Disposition": f'attachment; filename="{found.filename}"'},
    )


@router.get(
    "/subjects/{subject_code}/grades/{grade}/progress",
    summary="How many works are checked; decoding waits for all_checked (§61)",
)
async def get_progress(
    olympiad_id: uuid.UUID, subject_code: str, grade: Grade, who: Watchers, uow: Uow
) -> ProgressRead:
    found = await handlers.progress(SubjectGrade(olympiad_id, subject_code, grade), uow)
    return ProgressRead(
        works_total=found.total,
        works_checked=found.checked,
        works_annulled=found.annulled,
        all_checked=found.all_checked,
    )


def _work_read(view: WorkView) -> WorkRead:
    return WorkRead(
        work_code=view.work_code,
        status=view.status,
        status_label=view.status.label,
        needs_third_mark_tasks=list(view.needs_third_mark_tasks),
        my_marks=points_read(view.my_marks) or {},
        final_scores=points_read(view.final_scores),
        total=view.total,
        annulment_reason=view.annulment_reason,
        jury_member_ids=list(view.jury_member_ids) if view.jury_member_ids else None,
    )


def _marking_progress_read(found: MarkingProgress) -> MarkingProgressRead:
    return MarkingProgressRead(
        totals=MarkingTotals(
            works_total=found.works_total,
            works_checked=found.works_checked,
            works_awaiting_marks=found.works_awaiting_marks,
            works_awaiting_results=found.works_awaiting_results,
            works_needing_third_mark=found.works_needing_third_mark,
            works_annulled=found.works_annulled,
            works_claimed=found.works_claimed,
        ),
        members=[
            MemberProgressRead(
                jury_member_id=line.jury_member_id,
                works_marked=line.works_marked,
                third_marks=line.third_marks,
                claims=[
                    HeldClaimRead(
                        work_code=held.work_code,
                        expires_at=held.expires_at,
                        third_mark=held.third_mark,
                    )
                    for held in line.claims
                ],
            )
            for line in found.members
        ],
        tasks=None
        if found.tasks is None
        else [
            TaskProgressRead(
                task_number=task.task_number,
                marks=task.marks,
                pairs=task.pairs,
                disputed=task.disputed,
                discrepancy_rate=task.discrepancy_rate,
            )
            for task in found.tasks
        ],
    )
