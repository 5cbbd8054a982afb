"""The hub's gRPC feed: every method is bound to the caller's municipality by the token's scope."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

import grpc

from olymp.materials.v1 import materials_pb2 as pb
from olymp.materials.v1 import materials_pb2_grpc as pb_grpc
from olymp_core.auth import Policy, Role, ScopeKind, ScopeRule, current_principal
from olymp_core.service import Runtime
from olymp_materials import feed_store, store
from olymp_materials.hub.broadcaster import FeedBroadcaster
from olymp_materials.hub.key_audit import KeySendAudit, KeySent

SERVICE = "/olymp.materials.v1.MaterialsFeedService/"
_MIRROR = Policy.of(
    Role.SERVICE,
    Role.MUNICIPAL_COORDINATOR,
    scope=ScopeRule(ScopeKind.MUNICIPALITY, "municipality_id"),
)
POLICIES = {
    SERVICE + name: _MIRROR
    for name in ("Subscribe", "FetchPackage", "Acknowledge", "ReportReceipt")
}
OBJECT_TYPE = "package"

log = logging.getLogger("olymp.materials.hub")


class FeedServicer(pb_grpc.MaterialsFeedServiceServicer):  # type: ignore[misc]
    def __init__(
        self, runtime: Runtime, broadcaster: FeedBroadcaster, key_audit: KeySendAudit
    ) -> None:
        self._runtime = runtime
        self._broadcaster = broadcaster
        self._key_audit = key_audit

    async def Subscribe(
        self, request: pb.SubscribeRequest, context: Any
    ) -> AsyncIterator[pb.FeedEvent]:
        await _require_municipality(request.municipality_id, context)
        actor = current_principal().subject
        async for event in self._broadcaster.follow(request.after_sequence):
            if event.HasField("key_released"):
                # a caller who never acknowledges still leaves a trace, noted before the key leaves
                self._key_audit.note(
                    KeySent(
                        actor=actor,
                        municipality_id=request.municipality_id,
                        package_id=event.key_released.package_id,
                        sequence=event.sequence,
                    )
                )
            yield event

    async def FetchPackage(
        self, request: pb.FetchPackageRequest, context: Any
    ) -> pb.FetchPackageResponse:
        await _require_municipality(request.municipality_id, context)
        package_id = await _package_id(request.package_id, context)
        async with self._runtime.uows() as uow:
            record = await store.get_package_by_id(uow.session, package_id)
            if record is None:
                await context.abort(grpc.StatusCode.NOT_FOUND, f"Пакет {package_id} не найден.")
            assert record is not None
            ciphertext = await self._runtime.store.get(record.object_key)
            await feed_store.record_fetch(
                uow.session, request.municipality_id, package_id, uow.clock.now()
            )
            await uow.commit()
        return pb.FetchPackageResponse(ciphertext=ciphertext)

    async def Acknowledge(
        self, request: pb.AcknowledgeRequest, context: Any
    ) -> pb.AcknowledgeResponse:
        await _require_municipality(request.municipality_id, context)
        async with self._runtime.uows() as uow:
            now = uow.clock.now()
            municipality = request.municipality_id
            await feed_store.save_cursor(uow.session, municipality, request.sequence, now)
            delivered = await feed_store.record_keys_delivered(
                uow.session, municipality, request.sequence, now
            )
            for package_id in delivered:
                await uow.audit(
                    actor=current_principal().subject,
                    action="package_key_delivered",
                    object_type=OBJECT_TYPE,
                    object_id=str(package_id),
                    payload={"municipality_id": municipality, "at": now.isoformat()},
                )
            await uow.commit()
        return pb.AcknowledgeResponse()

    async def ReportReceipt(
        self, request: pb.ReportReceiptRequest, context: Any
    ) -> pb.ReportReceiptResponse:
        await _require_municipality(request.municipality_id, context)
        package_id = await _package_id(request.package_id, context)
        async with self._runtime.uows() as uow:
            if await store.get_package_by_id(uow.session, package_id) is None:
                await context.abort(grpc.StatusCode.NOT_FOUND, f"Пакет {package_id} не найден.")
            now = uow.clock.now()
            await feed_store.record_receipt(
                uow.session,
                request.municipality_id,
                package_id,
                complete=request.complete,
                missing=list(request.missing),
                problems=request.problems or None,
                confirmed_by=request.confirmed_by,
                at=now,
            )
            await uow.audit(
                actor=current_principal().subject,
                action="package_receipt_confirmed",
                object_type=OBJECT_TYPE,
                object_id=str(package_id),
                payload={
                    "municipality_id": request.municipality_id,
                    "confirmed_by": request.confirmed_by,
                    "complete": request.complete,
                    "missing": list(request.missing),
                    "problems": request.problems,
                    "at": now.isoformat(),
                },
            )
            await uow.commit()
        return pb.ReportReceiptResponse()


async def _require_municipality(municipality_id: str, context: Any) -> None:
    # the policy checks a scoped token; an unscoped one must still say which municipality it is
    if not municipality_id:
        await context.abort(
            grpc.StatusCode.INVALID_ARGUMENT,
            "Не указан municipality_id: муниципальный узел должен назвать свой муниципалитет.",
        )


async def _package_id(text: str, context: Any) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        await context.abort(
            grpc.StatusCode.INVALID_ARGUMENT, f"«{text}» — не идентификатор пакета."
        )
        raise


def registrar(servicer: FeedServicer) -> Any:
    def register(server: grpc.aio.Server) -> None:
        pb_grpc.add_MaterialsFeedServiceServicer_to_server(servicer, server)

    return register
