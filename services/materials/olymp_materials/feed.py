"""The feed's moving parts, started and stopped with the service: the hub's TLS gRPC server and
release timer, or the mirror's subscription.

Why a timer and not only the sweeper: the sweeper wakes every few seconds; the timer sleeps exactly
until the next instant (or the poll interval, whichever is sooner), so a release at 08:00 leaves the
hub within milliseconds and a clock moved by a test is still noticed within the poll interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

import grpc

from olymp_core import grpc as grpc_infra
from olymp_core.auth import AuthInterceptor
from olymp_core.service import Runtime
from olymp_materials import handlers, store
from olymp_materials.domain import signing_key_from_seed
from olymp_materials.hub.broadcaster import FeedBroadcaster
from olymp_materials.hub.key_audit import KeySendAudit
from olymp_materials.hub.servicer import POLICIES, FeedServicer, registrar
from olymp_materials.mirror.subscriber import MirrorSubscriber
from olymp_materials.settings import MaterialsSettings

log = logging.getLogger("olymp.materials.feed")


class Feed(Protocol):
    port: int | None

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def hub_keys(settings: MaterialsSettings) -> handlers.HubKeys:
    return handlers.HubKeys(
        master_key=settings.master_key_bytes(),
        signing_key=signing_key_from_seed(settings.signing_seed()),
    )


async def release_and_publish(runtime: Runtime, broadcaster: FeedBroadcaster) -> int:
    async with runtime.uows() as uow:
        released = await handlers.release_due_packages(uow)
    await broadcaster.refresh()
    return released


class HubFeed:
    def __init__(self, runtime: Runtime, settings: MaterialsSettings) -> None:
        self.runtime = runtime
        self.settings = settings
        self.broadcaster = FeedBroadcaster(runtime, settings.master_key_bytes())
        self.port: int | None = None
        self._server: grpc.aio.Server | None = None
        self._timer: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self.key_audit = KeySendAudit(runtime)

    def _credentials(self) -> grpc.ServerCredentials | None:
        cert, key = self.settings.tls_cert_file, self.settings.tls_key_file
        if cert is None or key is None:
            return None
        return grpc.ssl_server_credentials([(key.read_bytes(), cert.read_bytes())])

    async def start(self) -> None:
        # a hub that was down at the instant releases at once, before any mirror is served
        await release_and_publish(self.runtime, self.broadcaster)
        interceptor = AuthInterceptor(self.runtime.verifier, POLICIES)
        self._server, self.port = grpc_infra.build_server(
            host=self.settings.grpc_host,
            port=self.settings.feed_port,
            interceptors=[interceptor],
            services=[registrar(FeedServicer(self.runtime, self.broadcaster, self.key_audit))],
            credentials=self._credentials(),
        )
        await self._server.start()
        self.key_audit.start()
        self._stop.clear()
        self._timer = asyncio.create_task(self._release_timer(), name="materials-release-timer")
        log.info("materials hub feed listening", extra={"feed_port": self.port})

    async def _release_timer(self) -> None:
        poll = self.settings.release_poll_interval_s
        while not self._stop.is_set():
            wait = poll
            try:
                await release_and_publish(self.runtime, self.broadcaster)
                async with self.runtime.uows() as uow:
                    upcoming = await store.next_release_at(uow.session)
                if upcoming is not None:
                    until = (upcoming - self.runtime.clock.now()).total_seconds()
                    wait = min(poll, max(until, 0.001))
            except Exception:
                log.exception("release timer failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=wait)

    async def stop(self) -> None:
        self._stop.set()
        if self._timer is not None:
            self._timer.cancel()
            await asyncio.gather(self._timer, return_exceptions=True)
        if self._server is not None:
            await grpc_infra.stop_server(self._server, grace=0.5)
            self._server = None
        await self.key_audit.stop()  # after the streams: every key sent is in the trail


class MirrorFeed:
    def __init__(self, runtime: Runtime, settings: MaterialsSettings) -> None:
        self.subscriber = MirrorSubscriber(runtime, settings)
        self.port: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(self.subscriber.run(self._stop), name="materials-mirror")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
