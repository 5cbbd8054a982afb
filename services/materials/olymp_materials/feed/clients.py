"""A municipal mirror's calls to its regional hub: the feed it follows and the receipts it forwards.

Proto stays here: the mirror's handlers see `HubEvent`s, a fetched package as a temporary file
with its SHA-256 (`Fetched`) or `FetchFailed`, and a hub that cannot be reached for a receipt is
`HubUnavailable`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import grpc

from olymp.materials.v1 import materials_pb2 as pb
from olymp.materials.v1 import materials_pb2_grpc as pb_grpc
from olymp_core.auth import bearer_metadata
from olymp_materials.domain import HubUnavailable
from olymp_materials.settings import MaterialsSettings

log = logging.getLogger("olymp.materials.mirror")
# feed events are small and a package comes in chunks of 1 MiB: gRPC's default limit is plenty
MAX_MESSAGE = 4 * 1024 * 1024
# a fetch that failed with these may succeed when tried again (the hub or its store was down)
TRANSIENT = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.CANCELLED,
        grpc.StatusCode.ABORTED,
    }
)


class FetchFailed(Exception):
    """The hub did not deliver a package's ciphertext; `transient` when a retry may help."""

    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


@dataclass(frozen=True)
class Fetched:
    """A package's ciphertext in a temporary file, and its SHA-256 computed as it arrived."""

    path: Path
    sha256: str
    size: int


@dataclass(frozen=True)
class Announcement:
    """A package announced by the hub: the manifest bytes exactly as signed, and the signature."""

    manifest: bytes
    signature: bytes


@dataclass(frozen=True)
class ReleasedKey:
    package_id: str
    key: bytes
    password: str | None


@dataclass(frozen=True)
class HubEvent:
    """One event of the hub's feed; a kind this mirror does not know carries neither part."""

    sequence: int
    announcement: Announcement | None = None
    key: ReleasedKey | None = None


class HubConnection:
    """One channel to the hub: the feed stream, the ciphertexts it announces, acknowledgements."""

    def __init__(self, channel: grpc.aio.Channel, client: HubClient) -> None:
        self._stub = pb_grpc.MaterialsFeedServiceStub(channel)
        self._client = client

    async def subscribe(self, after_sequence: int) -> AsyncIterator[HubEvent]:
        """Every event after `after_sequence`, then each new one, until the stream breaks."""
        request = pb.SubscribeRequest(
            municipality_id=self._client.municipality_id, after_sequence=after_sequence
        )
        async for event in self._stub.Subscribe(request, metadata=self._client.metadata):
            yield _hub_event(event)

    @asynccontextmanager
    async def fetch_package(
        self, package_id: uuid.UUID, *, max_bytes: int
    ) -> AsyncIterator[Fetched]:
        """The ciphertext streamed into a temporary file (removed on exit), hashed as it comes,
        never held whole in memory; more than `max_bytes` (what the manifest implies) is refused."""
        call = self._stub.FetchPackage(
            pb.FetchPackageRequest(
                municipality_id=self._client.municipality_id, package_id=str(package_id)
            ),
            metadata=self._client.metadata,
        )
        fd, name = await asyncio.to_thread(tempfile.mkstemp, prefix="olymp-fetch-")
        path = Path(name)
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as out:
                try:
                    async for chunk in call:
                        size += len(chunk.data)
                        if size > max_bytes or chunk.total_size > max_bytes:
                            raise FetchFailed(
                                f"the hub sends more than the {max_bytes} bytes the manifest "
                                "implies",
                                transient=False,
                            )
                        await asyncio.to_thread(_append, out, digest, chunk.data)
                except grpc.aio.AioRpcError as error:
                    raise FetchFailed(
                        f"{error.code().name}: {error.details()}",
                        transient=error.code() in TRANSIENT,
                    ) from None
            yield Fetched(path, digest.hexdigest(), size)
        finally:
            call.cancel()
            await asyncio.to_thread(path.unlink, missing_ok=True)

    async def acknowledge(self, sequence: int) -> None:
        await self._stub.Acknowledge(
            pb.AcknowledgeRequest(municipality_id=self._client.municipality_id, sequence=sequence),
            metadata=self._client.metadata,
        )


class HubClient:
    """How this mirror reaches its hub: the address, TLS trust and the token bound to it."""

    def __init__(
        self,
        settings: MaterialsSettings,
        *,
        interceptors: Sequence[grpc.aio.ClientInterceptor] = (),
    ) -> None:
        assert settings.hub_token is not None  # the settings refuse a mirror without one
        self._settings = settings
        self._interceptors = list(interceptors)  # tracing's, when on
        self.municipality_id = settings.municipality_id
        self.metadata = bearer_metadata(settings.hub_token.get_secret_value())

    def _channel(self) -> grpc.aio.Channel:
        settings = self._settings
        options: list[tuple[str, object]] = [
            ("grpc.max_receive_message_length", MAX_MESSAGE),
            ("grpc.keepalive_time_ms", 20_000),
        ]
        if settings.tls_root_cert_file is None:
            return grpc.aio.insecure_channel(
                settings.hub_grpc, options=options, interceptors=self._interceptors
            )
        if settings.tls_server_name:
            options.append(("grpc.ssl_target_name_override", settings.tls_server_name))
        credentials = grpc.ssl_channel_credentials(settings.tls_root_cert_file.read_bytes())
        return grpc.aio.secure_channel(
            settings.hub_grpc, credentials, options=options, interceptors=self._interceptors
        )

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[HubConnection]:
        async with self._channel() as channel:
            yield HubConnection(channel, self)

    async def report_receipt(
        self,
        package_id: uuid.UUID,
        *,
        complete: bool,
        missing: list[str],
        problems: str | None,
        confirmed_by: str,
    ) -> None:
        """Forward the coordinator's receipt to the hub (§25)."""
        try:
            async with self._channel() as channel:
                await pb_grpc.MaterialsFeedServiceStub(channel).ReportReceipt(
                    pb.ReportReceiptRequest(
                        municipality_id=self.municipality_id,
                        package_id=str(package_id),
                        complete=complete,
                        missing=missing,
                        problems=problems or "",
                        confirmed_by=confirmed_by,
                    ),
                    metadata=self.metadata,
                    timeout=10,
                )
        except grpc.aio.AioRpcError as error:
            log.warning("receipt not forwarded to the hub: %s", error.code().name)
            raise HubUnavailable() from None


def _append(out: IO[bytes], digest: Any, data: bytes) -> None:
    digest.update(data)
    out.write(data)


def _hub_event(event: pb.FeedEvent) -> HubEvent:
    if event.HasField("package_announced"):
        announced = event.package_announced
        return HubEvent(
            event.sequence,
            announcement=Announcement(announced.manifest, announced.manifest_signature),
        )
    if event.HasField("key_released"):
        released = event.key_released
        return HubEvent(
            event.sequence,
            key=ReleasedKey(released.package_id, released.key, released.password or None),
        )
    return HubEvent(event.sequence)
