"""HTTP routes of the hub/mirror set-up: moving an announced instant (hub), the readiness table
(hub, §25) and the municipal coordinator's receipt (mirror, forwarded to the hub)."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Annotated

import grpc
from fastapi import APIRouter, Depends, Request

from olymp_core.auth import Principal, Role, ScopeKind, authorize
from olymp_core.problems import Conflict, NotFound, Problem
from olymp_materials import handlers, store
from olymp_materials.api import RuntimeDep, hub_only, rule_problem
from olymp_materials.domain import MaterialsRuleError
from olymp_materials.hub.status import olympiad_status
from olymp_materials.mirror.subscriber import report_receipt
from olymp_materials.schemas import (
    MunicipalityStatus,
    PackageMove,
    PackageRead,
    PackageStatusRead,
    ReceiptCreate,
    ReceiptRead,
    StatusList,
)
from olymp_materials.settings import MaterialsSettings

log = logging.getLogger("olymp.materials.api")
router = APIRouter(prefix="/olympiads/{olympiad_id}", tags=["hub and mirrors"])

Scheduler = Annotated[Principal, Depends(authorize(Role.COORDINATOR))]
StatusReader = Annotated[Principal, Depends(authorize(Role.COORDINATOR, Role.OBSERVER))]
ReceiptSigner = Annotated[Principal, Depends(authorize(Role.MUNICIPAL_COORDINATOR))]


def _settings(request: Request) -> MaterialsSettings:
    settings = request.app.state.runtime.settings
    assert isinstance(settings, MaterialsSettings)
    return settings


@router.patch(
    "/packages/{package_id}",
    summary="Перенести момент раскрытия объявленного пакета (до раскрытия, в будущее; в журнале)",
)
async def move_package(
    olympiad_id: uuid.UUID,
    package_id: uuid.UUID,
    body: PackageMove,
    request: Request,
    runtime: RuntimeDep,
    who: Scheduler,
) -> PackageRead:
    keys, broadcaster = hub_only(request)
    if body.release_at.utcoffset() is None:
        raise Problem(
            "Момент раскрытия указан без часового пояса: добавьте смещение, например +06:00.",
            status=422,
            type_="naive-instant",
        )
    try:
        async with runtime.uows() as uow:
            record = await handlers.move_package(
                olympiad_id, package_id, body.release_at, who, uow, keys
            )
    except MaterialsRuleError as exc:
        raise rule_problem(exc) from None
    await broadcaster.refresh()
    return PackageRead.of(record)


@router.get(
    "/packages/status",
    summary="Готовность муниципалитетов: получен ли пакет, ключ, подтверждение; кто опаздывает",
)
async def package_status(
    olympiad_id: uuid.UUID, request: Request, runtime: RuntimeDep, who: StatusReader
) -> StatusList:
    hub_only(request)
    settings = _settings(request)
    late_after = dt.timedelta(minutes=settings.receipt_late_after_min)
    async with runtime.uows() as uow:
        packages = await olympiad_status(olympiad_id, uow, settings.municipalities, late_after)
    return StatusList(
        late_after_min=settings.receipt_late_after_min,
        items=[
            PackageStatusRead(
                package_id=p.record.package.package_id,
                subject_code=p.record.package.subject_code,
                kind=p.record.package.kind,
                release_at=p.record.package.release_at,
                released_at=p.record.package.released_at,
                version=p.record.version,
                municipalities=[
                    MunicipalityStatus(
                        municipality_id=m.delivery.municipality_id,
                        ciphertext_fetched=m.delivery.fetched_at is not None,
                        key_delivered=m.delivery.key_delivered_at is not None,
                        receipt_confirmed=m.delivery.receipt_at is not None,
                        complete=m.delivery.complete,
                        missing=list(m.delivery.missing),
                        problems=m.delivery.problems,
                        has_problems=m.problems,
                        late=m.late,
                    )
                    for m in p.municipalities
                ],
            )
            for p in packages
        ],
    )


@router.post(
    "/packages/{package_id}/receipt",
    status_code=201,
    summary="Подтвердить получение пакета и проверку комплектности (§25); передаётся на региональный узел",
    dependencies=[Depends(authorize(Role.MUNICIPAL_COORDINATOR))],
)
async def confirm_receipt(
    olympiad_id: uuid.UUID,
    package_id: uuid.UUID,
    body: ReceiptCreate,
    request: Request,
    runtime: RuntimeDep,
    who: ReceiptSigner,
) -> ReceiptRead:
    settings = _settings(request)
    if settings.role != "mirror":
        raise Conflict(
            "Получение подтверждается на муниципальном узле, а это региональный узел.",
            type_="hub-has-no-receipts",
        )
    if not who.may_access(ScopeKind.MUNICIPALITY, settings.municipality_id):
        raise Problem(
            f"Ваш доступ не распространяется на муниципалитет «{settings.municipality_id}».",
            status=403,
            type_="forbidden",
        )
    if not body.complete and not body.missing and not body.problems:
        raise Problem(
            "Комплект неполон, но не сказано, чего не хватает: перечислите недостающие формы "
            "в missing или опишите проблему в problems.",
            status=422,
            type_="receipt-without-details",
        )
    async with runtime.uows() as uow:
        record = await store.get_package(uow.session, olympiad_id, package_id)
        if record is None:
            raise NotFound(f"Пакет {package_id} олимпиады {olympiad_id} на этом узле не найден.")
        if record.sealed_key is None:
            raise Conflict(
                "Ключ пакета ещё не получен от регионального узла: проверить комплектность "
                "можно только после раскрытия.",
                type_="package-not-released",
            )
        await uow.audit(
            actor=who.subject,
            action="package_receipt_confirmed",
            object_type="package",
            object_id=str(package_id),
            payload={"complete": body.complete, "missing": body.missing, "problems": body.problems},
        )
        await uow.commit()
    try:
        await report_receipt(
            settings,
            package_id,
            complete=body.complete,
            missing=body.missing,
            problems=body.problems,
            confirmed_by=who.subject,
        )
    except grpc.aio.AioRpcError as error:
        log.warning("receipt not forwarded to the hub: %s", error.code().name)
        raise Problem(
            "Подтверждение записано на муниципальном узле, но региональный узел недоступен: "
            "повторите отправку позже.",
            status=503,
            type_="hub-unavailable",
        ) from None
    return ReceiptRead(
        package_id=package_id,
        municipality_id=settings.municipality_id,
        complete=body.complete,
        missing=body.missing,
        forwarded_to_hub=True,
    )
