"""The hub's gRPC feed: every method is bound to the caller's municipality by the token's scope.

It is served on its own port (`feed_port`), over TLS when the certificate is configured: mirrors
reach the hub across the network, unlike the plaintext gRPC inside a deployment.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, NoReturn

import grpc

from olymp.materials.v1 import materials_pb2 as pb
from olymp.materials.v1 import materials_pb2_grpc as pb_grpc
from olymp_core.auth import Policy, Role, ScopeKind, ScopeRule, current_principal
from olymp_core.db import UnitOfWorkFactory
from olymp_core.grpc import GrpcApi
from olymp_core.storage import ObjectStore
from olymp_materials.domain import PackageNotFound
from olymp_materials.feed import handlers
from olymp_materials.feed.grpc_api.broadcaster import FeedBroadcaster
from olymp_materials.settings import MaterialsSettings

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


@dataclass(frozen=True)
class KeySent:
    """A key about to leave on a stream, and to whom: the audit writes it down (background.py)."""

    actor: str
    municipality_id: str
    package_id: str
    sequence: int


class FeedServicer(pb_grpc.MaterialsFeedServiceServicer):  # type: ignore[misc]
    def __init__(
        self,
        uows: UnitOfWorkFactory,
        objects: ObjectStore,
        broadcaster: FeedBroadcaster,
        note_key_sent: Callable[[KeySent], None],
    ) -> None:
        self._uows = uows
        self._objects = objects
        self._broadcaster = broadcaster
        self._note_key_sent = note_key_sent

    async def Subscribe(
        self, request: pb.SubscribeRequest, context: Any
    ) -> AsyncIterator[pb.FeedEvent]:
        await _require_municipality(request.municipality_id, context)
        actor = current_principal().subject
        async for event in self._broadcaster.follow(request.after_sequence):
            if event.HasField("key_released"):
                # a caller who never acknowledges still leaves a trace, noted before the key leaves
                self._note_key_sent(
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
        command = handlers.FetchPackage(request.municipality_id, package_id)
        try:
            async with self._uows() as uow:
                ciphertext = await handlers.fetch_package(command, uow, objects=self._objects)
        except PackageNotFound as missing:
            await _not_found(missing, context)
        return pb.FetchPackageResponse(ciphertext=ciphertext)

    async def Acknowledge(
        self, request: pb.AcknowledgeRequest, context: Any
    ) -> pb.AcknowledgeResponse:
        await _require_municipality(request.municipality_id, context)
        command = handlers.Acknowledge(request.municipality_id, request.sequence)
        async with self._uows() as uow:
            await handlers.acknowledge(command, uow, current_principal())
        return pb.AcknowledgeResponse()

    async def ReportReceipt(
        self, request: pb.ReportReceiptRequest, context: Any
    ) -> pb.ReportReceiptResponse:
        await _require_municipality(request.municipality_id, context)
        command = handlers.ReportReceipt(
            municipality_id=request.municipality_id,
            package_id=await _package_id(request.package_id, context),
            complete=request.complete,
            missing=list(request.missing),
            problems=request.problems or None,
            confirmed_by=request.confirmed_by,
        )
        try:
            async with self._uows() as uow:
                await handlers.record_receipt(command, uow, current_principal())
        except PackageNotFound as missing:
            await _not_found(missing, context)
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


async def _not_found(missing: PackageNotFound, context: Any) -> NoReturn:
    await context.abort(grpc.StatusCode.NOT_FOUND, missing.detail)
    raise missing  # abort raises; this line is never reached


def server_credentials(settings: MaterialsSettings) -> grpc.ServerCredentials | None:
    """TLS when both the certificate and its key are configured; otherwise plaintext (dev)."""
    cert, key = settings.tls_cert_file, settings.tls_key_file
    if cert is None or key is None:
        return None
    return grpc.ssl_server_credentials([(key.read_bytes(), cert.read_bytes())])


def grpc_api(
    uows: UnitOfWorkFactory,
    objects: ObjectStore,
    broadcaster: FeedBroadcaster,
    note_key_sent: Callable[[KeySent], None],
) -> GrpcApi:
    servicer = FeedServicer(uows, objects, broadcaster, note_key_sent)
    return GrpcApi(
        services=[
            lambda server: pb_grpc.add_MaterialsFeedServiceServicer_to_server(servicer, server)
        ],
        policies=POLICIES,
    )
