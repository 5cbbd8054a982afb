"""HTTP API of the analytic report (App. 13): for the people who take the protocols."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response

from olymp_core.auth import bearer_token
from olymp_core.dependencies import Uow, context
from olymp_core.subject_grade import SubjectGrade
from olymp_publishing.analytics import documents, handlers
from olymp_publishing.analytics.clients import ScoringDocuments
from olymp_publishing.api import FinalReader, Grade, VersionQuery

# Served before the protocols' «/protocols/{kind}.{extension}», which would take this address too
# (main.build orders the routers).
router = APIRouter(
    prefix="/olympiads/{olympiad_id}/subjects/{subject_code}/grades/{grade}",
    tags=["jury chair"],
)
Scoring = Annotated[ScoringDocuments, Depends(context(ScoringDocuments))]


@router.get(
    "/protocols/analytic.{extension}",
    summary="The analytic report of a published version (App. 13, §78), PDF or XLSX",
    description="For the jury chair of the subject, who signs it, and the organiser, who"
    " receives it: per task the points' distribution, the mean and the share of full marks; the"
    " distribution of totals; the schools compared (participants, mean, best total, winners and"
    " prize-winners); how often the two first members' marks of a task differed and went to a"
    " third member (§69, §73), with plots. The markers' figures come from scoring's checking"
    " protocol (App. 10), asked for with the caller's own token; when scoring does not give it,"
    " the report says why instead. `version`: a published version (default the latest). Every"
    " copy is audited.",
    response_class=Response,
    responses={200: {"content": {media: {} for media in documents.FORMATS.values()}}},
)
async def get_analytic_report(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    extension: Literal["pdf", "xlsx"],
    who: FinalReader,
    uow: Uow,
    scoring: Scoring,
    request: Request,
    version: VersionQuery = None,
) -> Response:
    key = SubjectGrade(olympiad_id, subject_code, grade)
    found = await handlers.analytic_report_file(
        handlers.AnalyticReportAsked(key, extension, version),
        uow,
        who,
        scoring=scoring,
        bearer=bearer_token(request.headers.get("authorization")),
    )
    return Response(
        found.body,
        media_type=found.media_type,
        headers={"Content-Disposition": f'attachment; filename="{found.filename}"'},
    )
