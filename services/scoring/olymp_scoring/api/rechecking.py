"""Routes of selective re-checking (§21; seed 000 §2): the organiser's sample, the regional
coordinator's request, the jury's blind re-check queue and the report."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from fastapi import APIRouter, Response

from olymp_core import protocol_documents
from olymp_core.dependencies import Uow
from olymp_core.subject_grade import SubjectGrade
from olymp_scoring import handlers
from olymp_scoring.api.common import (
    Grade,
    Jury,
    JuryAnyWork,
    Organiser,
    RecheckReader,
    RegionalCoordinator,
    Settings,
)
from olymp_scoring.schemas import (
    RecheckClaimRead,
    RecheckMarkingCreate,
    RecheckMarkingRead,
    RecheckRead,
    RecheckReportRead,
    RecheckRequestCreate,
    RecheckRequestRead,
    RecheckSampleCreate,
    RecheckSampleRead,
    RecheckSampleSummary,
    RecheckTotals,
    TaskComparisonRead,
)

router = APIRouter(prefix="/olympiads/{olympiad_id}", tags=["scoring"])


@router.post(
    "/subjects/{subject_code}/grades/{grade}/recheck-samples",
    status_code=201,
    summary="Draw a seeded random sample of checked works for the jury to re-check (§21)",
    description="By the organiser. From the grade's checked works marked by the jury and not up"
    " for re-checking yet, the `size` works (or the `share` of them, rounded up) whose SHA-256 of"
    " «seed, line break, work code» is lowest: the same seed over the same works draws the same"
    " sample, and the seed, the eligible works and the sample are in the audit trail. Without"
    " `seed` the service draws one and returns it. 409 `recheck-refused`: nothing to draw from.",
)
async def post_recheck_sample(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    body: RecheckSampleCreate,
    who: Organiser,
    uow: Uow,
) -> RecheckSampleRead:
    command = handlers.DrawSample(
        SubjectGrade(olympiad_id, subject_code, grade), body.size, body.share, body.seed
    )
    found = await handlers.draw_recheck_sample(command, uow, who)
    return RecheckSampleRead(
        sample_id=found.sample.sample_id,
        seed=found.sample.seed,
        eligible=found.sample.eligible,
        drawn=found.sample.drawn,
        drawn_at=found.sample.drawn_at,
        drawn_by=found.sample.drawn_by,
        work_codes=list(found.work_codes),
    )


@router.post(
    "/subjects/{subject_code}/grades/{grade}/recheck-requests",
    summary="The regional coordinator asks for particular checked works to be re-checked (§21)",
    description="All the codes or none (409 `recheck-refused` lists every code that is not a"
    " checked, jury-marked work of the grade). The works join the re-check queue, and coding lets"
    " the coordinator open their answer pages through its short-lived page links"
    " (`GET /olympiads/{id}/works/{code}/pages` on coding).",
)
async def post_recheck_request(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    body: RecheckRequestCreate,
    who: RegionalCoordinator,
    uow: Uow,
) -> RecheckRequestRead:
    command = handlers.RequestRechecks(
        SubjectGrade(olympiad_id, subject_code, grade), tuple(body.work_codes), body.reason.strip()
    )
    found = await handlers.request_rechecks(command, uow, who)
    return RecheckRequestRead(added=list(found.added), already=list(found.already))


@router.post(
    "/subjects/{subject_code}/grades/{grade}/recheck-claims",
    status_code=201,
    response_model=RecheckClaimRead,
    summary="Take the next work to re-check blind: never one the caller marked",
    description="201: the work held for the caller until `expires_at`, every task to mark and"
    " none of the earlier marks; a claim held already is answered again. 204: nothing is left"
    " for the caller. The re-check's points go to `POST …/works/{code}/recheck-marks` and never"
    " change the official scores.",
    responses={204: {"description": "Nothing is left for the caller to re-check right now"}},
)
async def post_recheck_claim(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    who: Jury,
    uow: Uow,
    settings: Settings,
) -> RecheckClaimRead | Response:
    command = handlers.ClaimRecheck(
        SubjectGrade(olympiad_id, subject_code, grade),
        lifetime=dt.timedelta(minutes=settings.claim_minutes),
    )
    claim = await handlers.claim_recheck(command, uow, who)
    if claim is None:
        return Response(status_code=204)
    return RecheckClaimRead(
        work_code=claim.work_code, tasks=list(claim.tasks), expires_at=claim.expires_at
    )


@router.delete(
    "/works/{work_code}/recheck-claim",
    status_code=204,
    response_class=Response,
    summary="Give back the caller's re-check claim, unmarked (none held: 204 as well)",
)
async def delete_recheck_claim(
    olympiad_id: uuid.UUID, work_code: str, who: JuryAnyWork, uow: Uow
) -> Response:
    await handlers.release_recheck(handlers.ReleaseRecheck(olympiad_id, work_code), uow, who)
    return Response(status_code=204)


@router.post(
    "/works/{work_code}/recheck-marks",
    summary="Record the blind re-check of a work, every task (the official scores stay)",
    description="By a jury member who did not mark the work, while no one else holds its"
    " re-check. 409 `recheck-refused`: not up for re-checking, marked by the caller, held by"
    " another member or re-checked already.",
)
async def post_recheck_marks(
    olympiad_id: uuid.UUID, work_code: str, body: RecheckMarkingCreate, who: JuryAnyWork, uow: Uow
) -> RecheckMarkingRead:
    command = handlers.RecordRecheck(olympiad_id, work_code, body.task_scores)
    found = await handlers.record_recheck(command, uow, who)
    assert found.rechecked_at is not None
    return RecheckMarkingRead(work_code=found.work_code, rechecked_at=found.rechecked_at)


@router.get(
    "/subjects/{subject_code}/grades/{grade}/rechecks",
    summary="The re-check report: each work's official scores beside its re-check, per task",
    description="For the organiser, the jury chair and the regional coordinator. A task whose"
    " re-check differs from the official score by more than the olympiad's threshold (§73) is"
    " `significant`; the samples are listed with their seeds.",
)
async def get_rechecks(
    olympiad_id: uuid.UUID, subject_code: str, grade: Grade, who: RecheckReader, uow: Uow
) -> RecheckReportRead:
    found = await handlers.recheck_report(SubjectGrade(olympiad_id, subject_code, grade), uow)
    works = []
    for item in found.items:
        comparison = item.comparison
        works.append(
            RecheckRead(
                work_code=item.row.work_code,
                origin=item.row.origin.value,
                origin_label=item.row.origin.label,
                requested_by=item.row.requested_by,
                requested_at=item.row.requested_at,
                reason=item.row.reason,
                state=item.state,
                rechecked_by=item.row.rechecked_by,
                rechecked_at=item.row.rechecked_at,
                tasks=[]
                if comparison is None
                else [
                    TaskComparisonRead(
                        task_number=task.task_number,
                        max_points=task.max_points,
                        official=task.original,
                        recheck=task.recheck,
                        difference=task.difference,
                        significant=task.significant,
                    )
                    for task in comparison.tasks
                ],
                official_total=None if comparison is None else comparison.original_total,
                recheck_total=None if comparison is None else comparison.recheck_total,
            )
        )
    summary = found.summary
    return RecheckReportRead(
        samples=[
            RecheckSampleSummary(
                sample_id=sample.sample_id,
                seed=sample.seed,
                eligible=sample.eligible,
                drawn=sample.drawn,
                drawn_at=sample.drawn_at,
                drawn_by=sample.drawn_by,
            )
            for sample in found.samples
        ],
        works=works,
        totals=RecheckTotals(
            works=summary.works,
            rechecked=summary.rechecked,
            differing=summary.differing,
            significant=summary.significant,
            mean_absolute_difference=summary.mean_absolute_difference,
        ),
    )


@router.get(
    "/subjects/{subject_code}/grades/{grade}/rechecks/report.{extension}",
    summary="The re-check report as PDF or XLSX (every copy audited)",
    response_class=Response,
    responses={200: {"content": {media: {} for media in protocol_documents.FORMATS.values()}}},
)
async def get_recheck_report(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    extension: Literal["pdf", "xlsx"],
    who: RecheckReader,
    uow: Uow,
) -> Response:
    key = SubjectGrade(olympiad_id, subject_code, grade)
    found = await handlers.recheck_report_file(key, extension, uow, who)
    return Response(
        found.body,
        media_type=found.media_type,
        headers={"Content-Disposition": f'attachment; filename="{found.filename}"'},
    )
