"""HTTP API of the materials service: upload packages, move their instants, list them, and open them
at their instant."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.dependencies import CurrentRuntime, Uow, context
from olymp_core.errors import ErrorMap
from olymp_core.request_limits import body_limit
from olymp_materials import handlers
from olymp_materials.domain import (
    AlreadyReleased,
    CriteriaAfterTheRound,
    EquipmentListNotNeeded,
    InstantInThePast,
    MaterialsRuleError,
    MirrorReadOnly,
    NotYetReleased,
    PackageKind,
    PackageNotFound,
    PackageRefused,
    UnknownReleaseInstant,
    UnsealFailed,
)
from olymp_materials.handlers import Node
from olymp_materials.schemas import (
    CriteriaRead,
    PackageKeyRead,
    PackageList,
    PackageMove,
    PackageRead,
)

router = APIRouter(prefix="/olympiads/{olympiad_id}", tags=["packages"])

ERRORS: ErrorMap = {
    # what the rules refuse is a request to fix; anything else a rule raises is the service's fault
    MaterialsRuleError: 500,
    UnsealFailed: 500,
    NotYetReleased: 403,
    CriteriaAfterTheRound: 403,
    AlreadyReleased: 409,
    InstantInThePast: 409,
    UnknownReleaseInstant: 422,
    EquipmentListNotNeeded: 422,
    PackageRefused: 422,
    PackageNotFound: 404,
    MirrorReadOnly: 409,
}

Uploader = Annotated[
    Principal,
    Depends(authorize(Role.COORDINATOR, scope=ScopeRule(ScopeKind.SUBJECT, "subject_code"))),
]
Scheduler = Annotated[Principal, Depends(authorize(Role.COORDINATOR))]
Viewer = Annotated[
    Principal,
    Depends(
        authorize(
            Role.COORDINATOR, Role.MUNICIPAL_COORDINATOR, Role.VENUE_COORDINATOR, Role.OBSERVER
        )
    ),
]
KeyHolder = Annotated[Principal, Depends(authorize(Role.COORDINATOR, Role.MUNICIPAL_COORDINATOR))]
ContentReader = Annotated[
    Principal,
    Depends(authorize(Role.COORDINATOR, Role.MUNICIPAL_COORDINATOR, Role.VENUE_COORDINATOR)),
]
# from their release instant the coordinators and the appeal commission (§108) read the criteria;
# a participant their own subject's, once its last round has ended (§91, handlers.criteria)
CriteriaReader = Annotated[
    Principal,
    Depends(
        authorize(
            Role.COORDINATOR,
            Role.MUNICIPAL_COORDINATOR,
            Role.VENUE_COORDINATOR,
            Role.APPEAL_MEMBER,
            Role.PARTICIPANT,
            scope=ScopeRule(ScopeKind.SUBJECT, "subject_code"),
        )
    ),
]
ThisNode = Annotated[Node, Depends(context(Node))]


@router.post(
    "/subjects/{subject_code}/packages/{kind}",
    status_code=201,
    summary="Загрузить пакет заданий или критериев; ключ раскрывается в момент release_at",
)
@body_limit(setting="max_package_bytes")
async def upload_package(
    olympiad_id: uuid.UUID,
    subject_code: str,
    kind: PackageKind,
    request: Request,
    who: Uploader,
    uow: Uow,
    node: ThisNode,
    runtime: CurrentRuntime,
    release_at: Annotated[dt.datetime | None, Query()] = None,
    password: Annotated[str | None, Header(alias="X-Package-Password")] = None,
) -> PackageRead:
    command = handlers.UploadPackage(
        olympiad_id=olympiad_id,
        subject_code=subject_code,
        kind=kind,
        content=await request.body(),
        release_at=release_at,
        password=password or None,
    )
    record = await handlers.upload_package(command, uow, who, node=node, objects=runtime.objects)
    return PackageRead.of(record)


@router.patch(
    "/packages/{package_id}",
    summary="Перенести момент раскрытия объявленного пакета (до раскрытия, в будущее; в журнале)",
    tags=["hub and mirrors"],
)
async def move_package(
    olympiad_id: uuid.UUID,
    package_id: uuid.UUID,
    body: PackageMove,
    who: Scheduler,
    uow: Uow,
    node: ThisNode,
) -> PackageRead:
    command = handlers.MovePackage(olympiad_id, package_id, body.release_at)
    return PackageRead.of(await handlers.move_package(command, uow, who, node=node))


@router.get("/packages", summary="Пакеты олимпиады и моменты их раскрытия (без ключей)")
async def list_packages(olympiad_id: uuid.UUID, who: Viewer, uow: Uow) -> PackageList:
    listing = await handlers.list_packages(olympiad_id, who, uow)
    return PackageList(
        items=[
            PackageRead.of(r, disclose=r.package.package_id not in listing.undisclosed)
            for r in listing.records
        ],
        time_zone=listing.time_zone,
    )


@router.get(
    "/packages/{package_id}/key",
    summary="Ключ и пароль пакета: только с момента раскрытия, каждое обращение в журнале",
)
async def package_key(
    olympiad_id: uuid.UUID, package_id: uuid.UUID, who: KeyHolder, uow: Uow, node: ThisNode
) -> PackageKeyRead:
    command = handlers.OpenPackage(olympiad_id, package_id)
    revealed = await handlers.reveal_key(command, uow, who, node=node)
    return PackageKeyRead(key_b64=revealed.key_b64, password=revealed.password)


@router.get(
    "/packages/{package_id}/content",
    summary="Расшифрованный пакет: только с момента раскрытия, каждое скачивание в журнале",
    response_class=Response,
)
async def package_content(
    olympiad_id: uuid.UUID,
    package_id: uuid.UUID,
    who: ContentReader,
    uow: Uow,
    node: ThisNode,
    runtime: CurrentRuntime,
) -> Response:
    command = handlers.OpenPackage(olympiad_id, package_id)
    content = await handlers.package_content(command, uow, who, node=node, objects=runtime.objects)
    return Response(content, media_type="application/octet-stream")


@router.get(
    "/subjects/{subject_code}/criteria",
    summary="Когда раскрываются критерии оценивания предмета (без содержимого)",
)
async def criteria(
    olympiad_id: uuid.UUID, subject_code: str, who: CriteriaReader, uow: Uow
) -> CriteriaRead:
    found = await handlers.criteria_state(handlers.CriteriaOf(olympiad_id, subject_code), uow, who)
    return CriteriaRead(
        package_id=found.package_id,
        subject_code=found.subject_code,
        release_at=found.release_at,
        released=found.released,
        available_at=found.available_at,
        available=found.available,
        time_zone=found.time_zone,
    )


@router.get(
    "/subjects/{subject_code}/criteria/files",
    summary="Критерии оценивания после раскрытия — участнику и апелляционной комиссии; "
    "архив с паролем распаковывается, пароль не выдаётся; каждое скачивание в журнале",
    response_class=Response,
)
async def criteria_files(
    olympiad_id: uuid.UUID,
    subject_code: str,
    who: CriteriaReader,
    uow: Uow,
    node: ThisNode,
    runtime: CurrentRuntime,
) -> Response:
    query = handlers.CriteriaOf(olympiad_id, subject_code)
    found = await handlers.criteria_files(query, uow, who, node=node, objects=runtime.objects)
    return Response(
        found.content,
        media_type=found.media_type,
        headers={
            "Content-Disposition": (
                f'attachment; filename="criteria-{subject_code}.{found.extension}"'
            ),
            "Cache-Control": "private, no-store",
        },
    )
