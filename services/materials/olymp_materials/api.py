"""HTTP API of the materials service: upload packages, list them, and open them at their instant."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.problems import Conflict, Forbidden, Problem
from olymp_core.service import Runtime
from olymp_core.subjects import UnknownSubject, subject
from olymp_materials import handlers
from olymp_materials.domain import (
    AlreadyReleased,
    EquipmentListNotNeeded,
    InstantInThePast,
    MaterialsRuleError,
    NotYetReleased,
    PackageKind,
    UnknownReleaseInstant,
)
from olymp_materials.domain.archive import ArchivePasswordWrong, NotAPasswordArchive
from olymp_materials.hub.broadcaster import FeedBroadcaster
from olymp_materials.schemas import PackageKeyRead, PackageList, PackageRead
from olymp_materials.settings import MaterialsSettings

router = APIRouter(prefix="/olympiads/{olympiad_id}", tags=["packages"])

Uploader = Annotated[
    Principal,
    Depends(authorize(Role.COORDINATOR, scope=ScopeRule(ScopeKind.SUBJECT, "subject_code"))),
]
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


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


def _master_key(runtime: Runtime) -> bytes:
    settings = runtime.settings
    assert isinstance(settings, MaterialsSettings)
    return settings.master_key_bytes()


def hub_only(request: Request) -> tuple[handlers.HubKeys, FeedBroadcaster]:
    """Uploads and schedule changes are the hub's; a mirror only holds what the hub sent."""
    keys = getattr(request.app.state, "hub_keys", None)
    if keys is None:
        raise Conflict(
            "Это муниципальный узел: пакеты загружает и переносит региональный координатор "
            "на региональном узле.",
            type_="mirror-read-only",
        )
    broadcaster: FeedBroadcaster = request.app.state.broadcaster
    return keys, broadcaster


def rule_problem(error: MaterialsRuleError) -> Problem:
    if isinstance(error, NotYetReleased):
        # the instant is public (it is in the list); nothing else about the package is said
        return Forbidden(
            str(error), type_="package-not-released", release_at=error.release_at.isoformat()
        )
    if isinstance(error, AlreadyReleased):
        return Conflict(str(error), type_="package-released")
    if isinstance(error, UnknownReleaseInstant):
        return Problem(str(error), status=422, type_="release-instant-unknown")
    if isinstance(error, EquipmentListNotNeeded):
        return Problem(str(error), status=422, type_="equipment-list-not-needed")
    if isinstance(error, NotAPasswordArchive | ArchivePasswordWrong):
        return Problem(str(error), status=422, type_="package-archive-refused")
    if isinstance(error, InstantInThePast):
        return Conflict(str(error), type_="instant-in-the-past")
    return Problem(str(error), status=500, type_="package-unreadable", title="Ошибка службы")


@router.post(
    "/subjects/{subject_code}/packages/{kind}",
    status_code=201,
    summary="Загрузить пакет заданий или критериев; ключ раскрывается в момент release_at",
)
async def upload_package(
    olympiad_id: uuid.UUID,
    subject_code: str,
    kind: PackageKind,
    request: Request,
    runtime: RuntimeDep,
    who: Uploader,
    release_at: Annotated[dt.datetime | None, Query()] = None,
    password: Annotated[str | None, Header(alias="X-Package-Password")] = None,
) -> PackageRead:
    try:
        subject(subject_code)
    except UnknownSubject as exc:
        raise Problem(str(exc), status=422, type_="unknown-subject") from None
    if release_at is not None and release_at.utcoffset() is None:
        raise Problem(
            f"Момент раскрытия {release_at.isoformat()} указан без часового пояса: добавьте "
            "смещение, например 2025-10-14T08:00:00+06:00.",
            status=422,
            type_="naive-instant",
        )
    keys, broadcaster = hub_only(request)
    content = await request.body()
    if not content:
        raise Problem(
            "Тело запроса пусто: передайте файл пакета как тело запроса.",
            status=422,
            type_="empty-package",
        )
    command = handlers.UploadPackage(
        olympiad_id=olympiad_id,
        subject_code=subject_code,
        kind=kind,
        content=content,
        release_at=release_at,
        password=password or None,
        uploaded_by=who.subject,
    )
    try:
        async with runtime.uows() as uow:
            record = await handlers.upload_package(command, uow, runtime.store, keys)
    except MaterialsRuleError as exc:
        raise rule_problem(exc) from None
    await broadcaster.refresh()
    return PackageRead.of(record)


@router.get("/packages", summary="Пакеты олимпиады и моменты их раскрытия (без ключей)")
async def list_packages(olympiad_id: uuid.UUID, runtime: RuntimeDep, who: Viewer) -> PackageList:
    async with runtime.uows() as uow:
        listing = await handlers.list_packages(olympiad_id, who, uow)
    return PackageList(
        items=[PackageRead.of(r) for r in listing.records], time_zone=listing.time_zone
    )


@router.get(
    "/packages/{package_id}/key",
    summary="Ключ и пароль пакета: только с момента раскрытия, каждое обращение в журнале",
)
async def package_key(
    olympiad_id: uuid.UUID, package_id: uuid.UUID, runtime: RuntimeDep, who: KeyHolder
) -> PackageKeyRead:
    try:
        async with runtime.uows() as uow:
            revealed = await handlers.reveal_key(
                olympiad_id, package_id, who, uow, _master_key(runtime)
            )
    except MaterialsRuleError as exc:
        raise rule_problem(exc) from None
    return PackageKeyRead(key_b64=revealed.key_b64, password=revealed.password)


@router.get(
    "/packages/{package_id}/content",
    summary="Расшифрованный пакет: только с момента раскрытия, каждое скачивание в журнале",
    response_class=Response,
)
async def package_content(
    olympiad_id: uuid.UUID, package_id: uuid.UUID, runtime: RuntimeDep, who: ContentReader
) -> Response:
    try:
        async with runtime.uows() as uow:
            content = await handlers.package_content(
                olympiad_id, package_id, who, uow, runtime.store, _master_key(runtime)
            )
    except MaterialsRuleError as exc:
        raise rule_problem(exc) from None
    return Response(content, media_type="application/octet-stream")
