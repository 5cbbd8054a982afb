"""HTTP API of the publishing service: quota policy, the chair's rulings, public result tables."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from fastapi.responses import HTMLResponse

from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.db import UnitOfWorkFactory
from olymp_core.problems import NotFound, Problem
from olymp_core.subjects import find_subject
from olymp_publishing import documents, handlers, results, store
from olymp_publishing.domain import QuotaPolicy, points_text
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
from olymp_publishing.store import StoredVersion, TableKey


def _uows(request: Request) -> UnitOfWorkFactory:
    uows: UnitOfWorkFactory = request.app.state.runtime.uows
    return uows


Uows = Annotated[UnitOfWorkFactory, Depends(_uows)]
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


def _subject_code(subject_code: str) -> str:
    found = find_subject(subject_code)
    if found is None or found.code != subject_code:
        raise NotFound(
            f"Неизвестный код предмета {subject_code!r}: используйте код из перечня предметов"
            " (например, math, russian, physics).",
            type_="unknown-subject",
        )
    return subject_code


def _policy_read(olympiad_id: uuid.UUID, policy: QuotaPolicy) -> QuotaPolicyRead:
    return QuotaPolicyRead(olympiad_id=olympiad_id, **results.policy_to_json(policy))


@quota_router.put("/quota-policy", summary="Set the quota of winners and prize-winners")
async def put_quota_policy(
    olympiad_id: uuid.UUID, body: QuotaPolicyWrite, who: QuotaSetter, uows: Uows
) -> QuotaPolicyRead:
    data = body.model_dump()
    data["quota_rounding"] = results.ROUNDING_BY_NAME[body.quota_rounding]
    try:
        policy = QuotaPolicy(**data)
    except ValueError as exc:
        raise Problem(
            f"Квота не принята: {exc}. Исправьте значения и повторите.", status=422
        ) from exc
    async with uows() as uow:
        await handlers.set_quota_policy(olympiad_id, policy, uow, actor=who.subject)
    return _policy_read(olympiad_id, policy)


@quota_router.get("/quota-policy", summary="The quota in force (the default until one is set)")
async def get_quota_policy(olympiad_id: uuid.UUID, who: QuotaReader, uows: Uows) -> QuotaPolicyRead:
    async with uows() as uow:
        policy = await handlers.quota_policy(olympiad_id, uow)
    return _policy_read(olympiad_id, policy)


@jury_router.post("/tie-decisions", summary="Rule on a tie group at the quota boundary (§117)")
async def post_tie_decision(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    body: TieDecisionCreate,
    who: JuryChair,
    uows: Uows,
) -> TieDecisionRead:
    key = TableKey(olympiad_id, _subject_code(subject_code), grade)
    async with uows() as uow:
        await handlers.decide_tie(
            handlers.DecideTie(key, body.total, body.status), uow, actor=who.subject
        )
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
    olympiad_id: uuid.UUID, subject_code: str, grade: Grade, who: JuryChair, uows: Uows
) -> ResultVersionRead:
    key = TableKey(olympiad_id, _subject_code(subject_code), grade)
    async with uows() as uow:
        stored = await handlers.publish_final(key, uow, actor=who.subject)
    return ResultVersionRead(
        olympiad_id=olympiad_id,
        subject_code=subject_code,
        grade=grade,
        links=_links(key),
        **_summary(stored).model_dump(),
    )


@public_router.get("/{olympiad_id}", dependencies=Public, summary="Published tables")
async def get_index(olympiad_id: uuid.UUID, uows: Uows) -> ResultIndex:
    async with uows() as uow:
        olympiad = await store.olympiad_of(uow.session, olympiad_id)
        versions = await store.versions_of_olympiad(uow.session, olympiad_id)
    by_table: dict[TableKey, list[StoredVersion]] = {}
    for version in versions:
        by_table.setdefault(version.key, []).append(version)
    return ResultIndex(
        olympiad_id=olympiad_id,
        olympiad_title=None if olympiad is None else olympiad.title,
        tables=[
            ResultIndexEntry(
                subject_code=key.subject_code,
                subject_name=results.subject_name(key.subject_code),
                grade=key.grade,
                latest=_summary(found[-1]),
                versions=[_summary(v) for v in found],
                links=_links(key),
            )
            for key, found in by_table.items()
        ],
    )


StageQuery = Annotated[Stage | None, Query(description="preliminary or final")]
VersionQuery = Annotated[int | None, Query(ge=1, description="A version number")]


async def _version(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    uows: Uows,
    stage: StageQuery = None,
    version: VersionQuery = None,
) -> StoredVersion:
    """The table version a public address names (latest, or `?stage=`/`?version=`), or 404."""
    key = TableKey(olympiad_id, _subject_code(subject_code), grade)
    async with uows() as uow:
        found = await store.find_version(uow.session, key, stage=stage, version=version)
    if found is None:
        raise NotFound(
            f"Результаты по предмету «{results.subject_name(subject_code)}», {grade} класс,"
            " не опубликованы"
            + (f" (этап {stage})" if stage else "")
            + (f" (версия {version})" if version else "")
            + ". Проверьте адрес или посмотрите перечень таблиц олимпиады.",
        )
    return found


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


def _links(key: TableKey) -> dict[str, str]:
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
