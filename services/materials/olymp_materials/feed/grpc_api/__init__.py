"""The hub's gRPC feed: every method is bound to the caller's municipality by the token's scope.

It is served on its own port (`feed_port`), over TLS when the certificate is configured: mirrors
reach the hub across the network, unlike the plaintext gRPC inside a deployment.

A package's ciphertext is streamed in chunks of `FETCH_CHUNK` bytes, and at most `max_fetches`
fetches are served at once (the others wait for a slot): thousands of mirrors fetching a large
package at once cost the hub `max_fetches` chunks of memory, not thousands of whole packages, and a
package of any size fits the message limit.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

import grpc
from prometheus_client import Gauge

from olymp.materials.v1 import materials_pb2 as pb
from olymp.materials.v1 import materials_pb2_grpc as pb_grpc
from olymp_core.auth import Policy, Role, ScopeKind, ScopeRule, current_principal
from olymp_core.db import UnitOfWorkFactory
from olymp_core.grpc import GrpcApi
from olymp_core.storage import ObjectNotFound, ObjectStore, StorageError
from olymp_materials.domain import AcknowledgedUnsent, PackageNotFound, ReceiptBeforeRelease
from olymp_materials.feed import handlers
from olymp_materials.feed.grpc_api.broadcaster import FeedBroadcaster
from olymp_materials.feed.store import KeySend
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


FETCH_CHUNK = 1 << 20
FETCHES = Gauge("olymp_materials_fetches", "Package fetches by mirrors", ["state"])


class FetchSlots:
    """At most `limit` fetches streamed at once; the gauge shows how many stream and wait."""

    def __init__(self, limit: int) -> None:
        self._slots = asyncio.Semaphore(limit)
        self.limit = limit
        self.streaming = 0
        self.waiting = 0

    async def __aenter__(self) -> None:
        self.waiting += 1
        FETCHES.labels("waiting").inc()
        try:
            await self._slots.acquire()
        finally:
            self.waiting -= 1
            FETCHES.labels("waiting").dec()
        self.streaming += 1
        FETCHES.labels("streaming").inc()

    async def __aexit__(self, *exc: object) -> None:
        self.streaming -= 1
        FETCHES.labels("streaming").dec()
        self._slots.release()


# written down durably before the key leaves (background.KeySendJournal): one send, or many at once
RecordKeySent = Callable[[KeySend], Awaitable[None]]
RecordKeySends = Callable[[list[KeySend]], Awaitable[None]]


@dataclass(eq=False)
class _Stream:
    """An open Subscribe call: to whom its keys go, how far it is, and which of its key sends
    were already written down for it (with every other stream's, before the key was visible)."""

    actor: str
    municipality_id: str
    cursor: int
    noted: set[int] = field(default_factory=set)


class FeedServicer(pb_grpc.MaterialsFeedServiceServicer):  # type: ignore[misc]
    def __init__(
        self,
        uows: UnitOfWorkFactory,
        objects: ObjectStore,
        broadcaster: FeedBroadcaster,
        record_key_sent: RecordKeySent,
        record_key_sends: RecordKeySends,
        *,
        max_fetches: int,
    ) -> None:
        self._uows = uows
        self._objects = objects
        self._broadcaster = broadcaster
        self._record_key_sent = record_key_sent
        self._record_key_sends = record_key_sends
        self.fetches = FetchSlots(max_fetches)
        # the last sequence streamed to each municipality since start: what it may acknowledge
        self._sent_through: dict[str, int] = {}
        self._streams: set[_Stream] = set()
        broadcaster.before_keys_leave = self._note_key_sends

    async def _note_key_sends(self, keys: list[pb.FeedEvent]) -> None:
        """Write down in one transaction that each open stream is about to send each new key.

        At the instant thousands of streams wake for one key; noting each send on its own path
        would wake every stream twice (once to queue its note, once when it is written). A stream
        that closes before its send leaves a note of a key it did not get: the trail errs on the
        side of who may have a key, never the other way.
        """
        due = [
            (stream, key)
            for key in keys
            for stream in list(self._streams)
            if stream.cursor < key.sequence
        ]
        if not due:
            return
        await self._record_key_sends(
            [
                KeySend(
                    stream.actor,
                    stream.municipality_id,
                    uuid.UUID(key.key_released.package_id),
                    key.sequence,
                )
                for stream, key in due
            ]
        )
        for stream, key in due:
            stream.noted.add(key.sequence)

    async def Subscribe(
        self, request: pb.SubscribeRequest, context: Any
    ) -> AsyncIterator[pb.FeedEvent]:
        municipality = request.municipality_id
        await _require_municipality(municipality, context)
        stream = _Stream(current_principal().subject, municipality, request.after_sequence)
        self._streams.add(stream)
        try:
            async for event in self._broadcaster.follow(request.after_sequence):
                stream.cursor = event.sequence
                if event.HasField("key_released") and event.sequence not in stream.noted:
                    # a caller who never acknowledges still leaves a trace: written down durably
                    # before the key leaves, so that not even a killed hub loses it (most sends
                    # were written down with all others before the key was visible)
                    sent = KeySend(
                        stream.actor,
                        municipality,
                        uuid.UUID(event.key_released.package_id),
                        event.sequence,
                    )
                    try:
                        await self._record_key_sent(sent)
                    except Exception:
                        await context.abort(
                            grpc.StatusCode.UNAVAILABLE,
                            "Региональный узел не может записать выдачу ключа в журнал: ключ не "
                            "отправлен, подключитесь снова.",
                        )
                stream.noted.discard(event.sequence)
                sent_through = self._sent_through.get(municipality, 0)
                self._sent_through[municipality] = max(sent_through, event.sequence)
                yield event
        finally:
            self._streams.discard(stream)

    async def FetchPackage(
        self, request: pb.FetchPackageRequest, context: Any
    ) -> AsyncIterator[pb.PackageChunk]:
        await _require_municipality(request.municipality_id, context)
        package_id = await _package_id(request.package_id, context)
        command = handlers.FetchPackage(request.municipality_id, package_id)
        try:
            async with self._uows() as uow:
                object_key = await handlers.locate_package(command, uow)
        except PackageNotFound as missing:
            await _not_found(missing, context)
        async with self.fetches:
            try:
                size = (await self._objects.stat(object_key)).size
                first = True
                async for data in self._objects.stream(object_key, FETCH_CHUNK):
                    yield pb.PackageChunk(data=data, total_size=size if first else 0)
                    first = False
            except ObjectNotFound:
                # the row is there, its ciphertext is not: no retry will find it
                await context.abort(
                    grpc.StatusCode.NOT_FOUND,
                    f"Зашифрованный пакет {package_id} отсутствует в хранилище регионального "
                    "узла: региональному координатору нужно загрузить пакет заново.",
                )
            except StorageError:
                await context.abort(
                    grpc.StatusCode.UNAVAILABLE,
                    "Хранилище регионального узла недоступно: пакет будет получен позже.",
                )
        async with self._uows() as uow:
            await handlers.package_fetched(command, uow)

    async def Acknowledge(
        self, request: pb.AcknowledgeRequest, context: Any
    ) -> pb.AcknowledgeResponse:
        await _require_municipality(request.municipality_id, context)
        command = handlers.Acknowledge(
            request.municipality_id,
            request.sequence,
            sent_through=self._sent_through.get(request.municipality_id, 0),
        )
        try:
            async with self._uows() as uow:
                await handlers.acknowledge(command, uow, current_principal())
        except AcknowledgedUnsent as refused:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, refused.detail)
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
        except ReceiptBeforeRelease as early:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, early.detail)
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
    record_key_sent: RecordKeySent,
    record_key_sends: RecordKeySends,
    *,
    max_fetches: int,
) -> GrpcApi:
    servicer = FeedServicer(
        uows, objects, broadcaster, record_key_sent, record_key_sends, max_fetches=max_fetches
    )
    return GrpcApi(
        services=[
            lambda server: pb_grpc.add_MaterialsFeedServiceServicer_to_server(servicer, server)
        ],
        policies=POLICIES,
    )
