"""HTTP routes of the hub/mirror set-up: the readiness table (hub, §25) and the municipal
coordinator's receipt (mirror, forwarded to the hub)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from olymp_core.auth import Principal, Role, authorize
from olymp_core.dependencies import Uow, context
from olymp_core.errors import ErrorMap
from olymp_materials.domain import (
    AcknowledgedUnsent,
    HubHasNoReceipts,
    HubUnavailable,
    KeyNotReceived,
    ReceiptBeforeRelease,
    ReceiptWithoutDetails,
)
from olymp_materials.feed import handlers
from olymp_materials.feed.schemas import (
    MunicipalityStatus,
    PackageStatusRead,
    ReceiptCreate,
    ReceiptRead,
    StatusList,
)
from olymp_materials.handlers import Node
from olymp_materials.settings import MaterialsSettings

router = APIRouter(prefix="/olympiads/{olympiad_id}", tags=["hub and mirrors"])

ERRORS: ErrorMap = {
    HubHasNoReceipts: 409,
    ReceiptWithoutDetails: 422,
    KeyNotReceived: 409,
    HubUnavailable: 503,
    # refused on the hub's gRPC feed (grpc_api maps them to status codes there)
    AcknowledgedUnsent: 409,
    ReceiptBeforeRelease: 409,
}

StatusReader = Annotated[Principal, Depends(authorize(Role.COORDINATOR, Role.OBSERVER))]
ReceiptSigner = Annotated[Principal, Depends(authorize(Role.MUNICIPAL_COORDINATOR))]
ThisNode = Annotated[Node, Depends(context(Node))]
Settings = Annotated[MaterialsSettings, Depends(context(MaterialsSettings))]


@router.get(
    "/packages/status",
    summary="Готовность муниципалитетов: получен ли пакет, ключ, подтверждение; кто опаздывает",
)
async def package_status(
    olympiad_id: uuid.UUID, who: StatusReader, uow: Uow, node: ThisNode, settings: Settings
) -> StatusList:
    packages = await handlers.olympiad_status(
        olympiad_id,
        uow,
        node=node,
        expected=settings.municipalities,
        late_after=dt.timedelta(minutes=settings.receipt_late_after_min),
    )
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
                quarantined=p.quarantine is not None,
                quarantine_reason=p.quarantine,
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
)
async def confirm_receipt(
    olympiad_id: uuid.UUID,
    package_id: uuid.UUID,
    body: ReceiptCreate,
    who: ReceiptSigner,
    uow: Uow,
    node: ThisNode,
) -> ReceiptRead:
    command = handlers.ConfirmReceipt(
        olympiad_id, package_id, body.complete, body.missing, body.problems
    )
    municipality_id = await handlers.confirm_receipt(command, uow, who, node=node)
    return ReceiptRead(
        package_id=package_id,
        municipality_id=municipality_id,
        complete=body.complete,
        missing=body.missing,
        forwarded_to_hub=True,
    )
