"""HTTP API of the publishing service: quota policy, the chair's rulings, public result tables."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response, status
from fastapi.responses import HTMLResponse

from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.dependencies import Uow
from olymp_core.errors import ErrorMap
from olymp_core.subject_grade import SubjectGrade
from olymp_publishing import documents, handlers
from olymp_publishing.domain import (
    InvalidQuotaPolicy,
    NotPublished,
    QuotaPolicy,
    RankingRuleError,
    ResultsNotReady,
    UndecidedTie,
    UnknownSubject,
    points_text,
    policy_to_json,
    subject_name,
)
from olymp_publishing.schemas import (
    QuotaPolicyRead,
    QuotaPolicyWrite,
    ResultIndex,
    ResultIndexEntry,
    ResultTableRead,
    ResultVersionRead,
    TieDecisionCreate,
    TieDecisionRead,
    VersionSummary,
)
from olymp_publishing.store import StoredVersion

# §117: the organiser sets the quota; a jury chair may read it but not change it.
QuotaSetter = Annotated[Principal, Depends(authorize(Role.COORDINATOR))]
QuotaReader = Annotated[Principal, Depends(authorize(Role.COORDINATOR, Role.JURY_CHAIR))]
JuryChair = Annotated[
    Principal,
    Depends(authorize(Role.JURY_CHAIR, scope=ScopeRule(ScopeKind.SUBJECT, "subject_code"))),
]
Public = [Depends(authorize(Role.PUBLIC))]
Grade = Annotated[int, Path(ge=1, le=11, description="The grade (параллель) of the table")]
Stage = Literal["preliminary", "final"]

quota_router = APIRouter(prefix="/olympiads/{olympiad_id}", tags=["quota policy"])
jury_router = APIRouter(
    prefix="/olympiads/{olympiad_id}/subjects/{subject_code}/grades/{grade}",
    tags=["jury chair"],
)
public_router = APIRouter(prefix="/results", tags=["public results"])


ERRORS: ErrorMap = {
    RankingRuleError: 409,
    UndecidedTie: 409,
    ResultsNotReady: 409,
    UnknownSubject: 404,
    NotPublished: 404,
    InvalidQuotaPolicy: 422,
}


def _policy_read(olympiad_id: uuid.UUID, policy: QuotaPolicy) -> QuotaPolicyRead:
    return QuotaPolicyRead(olympiad_id=olympiad_id, **policy_to_json(policy))


@quota_router.put("/quota-policy", summary="Set the quota of winners and prize-winners")
async def put_quota_policy(
    olympiad_id: uuid.UUID, body: QuotaPolicyWrite, who: QuotaSetter, uow: Uow
) -> QuotaPolicyRead:
    command = handlers.SetQuotaPolicy(
        olympiad_id,
        prize_quota_share=body.prize_quota_share,
        winner_min_share=body.winner_min_share,
        prize_min_share=body.prize_min_share,
        max_winners=body.max_winners,
        shares_strict=body.shares_strict,
        quota_rounding=body.quota_rounding,
    )
    policy = await handlers.set_quota_policy(command, uow, who)
    return _policy_read(olympiad_id, policy)


@quota_router.get("/quota-policy", summary="The quota in force (the default until one is set)")
async def get_quota_policy(olympiad_id: uuid.UUID, who: QuotaReader, uow: Uow) -> QuotaPolicyRead:
    policy = await handlers.quota_policy(olympiad_id, uow)
    return _policy_read(olympiad_id, policy)


@jury_router.post("/tie-decisions", summary="Rule on a tie group at the quota boundary (§117)")
async def post_tie_decision(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    body: TieDecisionCreate,
    who: JuryChair,
    uow: Uow,
) -> TieDecisionRead:
    key = SubjectGrade(olympiad_id, subject_code, grade)
    await handlers.decide_tie(handlers.DecideTie(key, body.total, body.status), uow, who)
    return TieDecisionRead(
        olympiad_id=olympiad_id,
        subject_code=subject_code,
        grade=grade,
        total=points_text(body.total),
        status=body.status,
    )


@jury_router.post(
    "/final",
    status_code=status.HTTP_201_CREATED,
    summary="Publish a new final version from the current scores (§117–121)",
)
async def post_final(
    olympiad_id: uuid.UUID, subject_code: str, grade: Grade, who: JuryChair, uow: Uow
) -> ResultVersionRead:
    key = SubjectGrade(olympiad_id, subject_code, grade)
    stored = await handlers.publish_final(handlers.PublishFinal(key), uow, who)
    return ResultVersionRead(
        olympiad_id=olympiad_id,
        subject_code=subject_code,
        grade=grade,
        links=_links(key),
        **_summary(stored).model_dump(),
    )


@public_router.get("/{olympiad_id}", dependencies=Public, summary="Published tables")
async def get_index(olympiad_id: uuid.UUID, uow: Uow) -> ResultIndex:
    found = await handlers.published_results(olympiad_id, uow)
    return ResultIndex(
        olympiad_id=olympiad_id,
        olympiad_title=None if found.olympiad is None else found.olympiad.title,
        tables=[
            ResultIndexEntry(
                subject_code=key.subject_code,
                subject_name=subject_name(key.subject_code),
                grade=key.grade,
                latest=_summary(versions[-1]),
                versions=[_summary(v) for v in versions],
                links=_links(key),
            )
            for key, versions in found.tables.items()
        ],
    )


StageQuery = Annotated[Stage | None, Query(description="preliminary or final")]
VersionQuery = Annotated[int | None, Query(ge=1, description="A version number")]


async def _version(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    uow: Uow,
    stage: StageQuery = None,
    version: VersionQuery = None,
) -> StoredVersion:
    """The table version a public address names (latest, or `?stage=`/`?version=`), or 404."""
    key = SubjectGrade(olympiad_id, subject_code, grade)
    return await handlers.published_version(key, stage, version, uow)


Found = Annotated[StoredVersion, Depends(_version)]


# The suffixed routes come first: «{grade}» alone would also match «9.csv».
@public_router.get("/{olympiad_id}/{subject_code}/{grade}.csv", dependencies=Public)
async def get_csv(found: Found) -> Response:
    return Response(
        documents.csv_bytes(found.document),
        media_type="text/csv; charset=utf-8",
        headers=_download(found, "csv"),
    )


@public_router.get("/{olympiad_id}/{subject_code}/{grade}.xlsx", dependencies=Public)
async def get_xlsx(found: Found) -> Response:
    return Response(
        documents.xlsx_bytes(found.document),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=_download(found, "xlsx"),
    )


@public_router.get(
    "/{olympiad_id}/{subject_code}/{grade}.html",
    dependencies=Public,
    response_class=HTMLResponse,
)
async def get_html(found: Found) -> HTMLResponse:
    return HTMLResponse(documents.html_page(found.document, found.sha256))


@public_router.get("/{olympiad_id}/{subject_code}/{grade}", dependencies=Public)
async def get_table(found: Found) -> ResultTableRead:
    return ResultTableRead.model_validate({**found.document, "sha256": found.sha256})


def _summary(stored: StoredVersion) -> VersionSummary:
    return VersionSummary.model_validate(
        {
            "version": stored.version,
            "stage": stored.stage,
            "published_at": stored.created_at,
            "sha256": stored.sha256,
        }
    )


def _links(key: SubjectGrade) -> dict[str, str]:
    base = f"/results/{key.olympiad_id}/{key.subject_code}/{key.grade}"
    return {
        "json": base,
        "csv": f"{base}.csv",
        "xlsx": f"{base}.xlsx",
        "html": f"{base}.html",
    }


def _download(found: StoredVersion, extension: str) -> dict[str, Any]:
    name = f"{found.key.subject_code}-{found.key.grade}-v{found.version}.{extension}"
    return {"Content-Disposition": f'attachment; filename="{name}"'}
