"""The runtime every service shares: one composition of engine, broker, storage, auth and servers.

A service's `main.build()` describes itself — routers, subscriptions, sweep jobs, gRPC servicers — and
`Service.app` is the FastAPI application whose lifespan starts the rest: the broker connection, the
consumers, the outbox relay, the sweeper and the gRPC server. Nothing is built at import time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc
import sqlalchemy as sa
from aio_pika.abc import AbstractRobustConnection
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from olymp_core import grpc as grpc_infra
from olymp_core.auth import (
    AuthInterceptor,
    AuthSettings,
    Policy,
    Role,
    authorize,
    document_policies,
)
from olymp_core.clock import Clock, SystemClock
from olymp_core.db import OutboxSignal, UnitOfWorkFactory, make_engine
from olymp_core.events import Consumer, OutboxRelay, Subscription, Sweeper, SweepJob, connect
from olymp_core.events.broker import declare_exchanges
from olymp_core.logging import configure_logging
from olymp_core.problems import install_problem_handlers
from olymp_core.settings import ServiceSettings
from olymp_core.storage import ObjectStore, open_store

log = logging.getLogger("olymp.service")

REQUESTS = Counter("olymp_http_requests", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("olymp_http_request_seconds", "HTTP request latency", ["method", "route"])

GrpcRegistrar = Callable[[grpc.aio.Server], None]


class Runtime:
    """The service's connections to the outside world, built from its settings."""

    def __init__(self, settings: ServiceSettings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.engine: AsyncEngine = make_engine(settings.database_url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.signal = OutboxSignal()
        self.uows = UnitOfWorkFactory(self.sessions, self.clock, self.signal)
        self.store: ObjectStore = open_store(settings.storage_url)
        self.auth = AuthSettings(
            issuer=settings.auth_issuer,
            audience=settings.auth_audience,
            local_public_key_file=settings.auth_local_public_key_file,
            jwks_url=settings.auth_jwks_url,
        )
        self.verifier = self.auth.build_verifier()
        self.connection: AbstractRobustConnection | None = None

    async def connect_broker(self) -> AbstractRobustConnection:
        if self.connection is None:
            self.connection = await connect(self.settings.amqp_url)
        return self.connection

    async def readiness(self) -> dict[str, str]:
        checks: dict[str, str] = {}
        try:
            async with self.engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unavailable: {type(exc).__name__}"
        if self.connection is not None and self.connection.connected.is_set():
            checks["broker"] = "ok"
        else:
            checks["broker"] = "unavailable"
        checks["storage"] = "ok" if await self.store.ping() else "unavailable"
        return checks

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()
        await self.engine.dispose()


@dataclass
class Service:
    """A service described by its composition root; `app` runs it."""

    name: str
    runtime: Runtime
    routers: Sequence[APIRouter] = ()
    subscriptions: Sequence[Subscription] = ()
    sweep_jobs: Sequence[SweepJob] = ()
    grpc_services: Sequence[GrpcRegistrar] = ()
    grpc_policies: Mapping[str, Policy] = field(default_factory=dict)
    produces: Sequence[str] = ()
    state: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""

    def __post_init__(self) -> None:
        self.sweeper = Sweeper(self.sweep_jobs, interval=self.runtime.settings.sweep_interval_s)
        self.relay: OutboxRelay | None = None
        self.grpc_port: int | None = None
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._consumers: list[Consumer] = []
        self._grpc_server: grpc.aio.Server | None = None
        self.app = self._build_app()

    def _build_app(self) -> FastAPI:
        app = FastAPI(
            title=f"olymp {self.name}",
            description=self.description,
            version="1",
            lifespan=self._lifespan,
        )
        app.state.runtime = self.runtime
        app.state.token_verifier = self.runtime.verifier
        for key, value in self.state.items():
            setattr(app.state, key, value)
        install_problem_handlers(app)
        document_policies(app)
        app.middleware("http")(_observe)
        app.include_router(_ops_router(self))
        for router in self.routers:
            app.include_router(router)
        return app

    async def start(self) -> None:
        runtime = self.runtime
        await runtime.store.ensure_ready()
        connection = await runtime.connect_broker()
        channel = await connection.channel()
        await declare_exchanges(channel, self.produces)
        for subscription in self.subscriptions:
            if runtime.settings.queue_prefix:
                queue = runtime.settings.queue_prefix + subscription.queue
                subscription = dataclasses.replace(subscription, queue=queue)
            consumer = Consumer(subscription, runtime.uows)
            await consumer.start(await connection.channel())
            self._consumers.append(consumer)
        self.relay = OutboxRelay(
            self.name,
            runtime.sessions,
            connection,
            runtime.clock,
            runtime.signal,
            poll_interval=runtime.settings.outbox_poll_interval_s,
        )
        self._stop.clear()
        self._tasks = [
            asyncio.create_task(self.relay.run(self._stop), name=f"{self.name}-relay"),
            asyncio.create_task(self.sweeper.run(self._stop), name=f"{self.name}-sweeper"),
        ]
        if self.grpc_services:
            interceptor = AuthInterceptor(runtime.verifier, self.grpc_policies)
            self._grpc_server, self.grpc_port = grpc_infra.build_server(
                host=runtime.settings.grpc_host,
                port=runtime.settings.grpc_port,
                interceptors=[interceptor],
                services=self.grpc_services,
            )
            await self._grpc_server.start()
        log.info(
            "service started",
            extra={"http_port": runtime.settings.http_port, "grpc_port": self.grpc_port},
        )

    async def stop(self) -> None:
        # consumers first: the message in hand is finished and acked before anything closes
        for consumer in self._consumers:
            await consumer.stop()
        self._consumers = []
        self._stop.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._grpc_server is not None:
            await grpc_infra.stop_server(self._grpc_server, grace=2.0)
        await self.runtime.close()

    @asynccontextmanager
    async def _lifespan(self, app: FastAPI) -> AsyncIterator[None]:
        await self.start()
        try:
            yield
        finally:
            await self.stop()


def _ops_router(service: Service) -> APIRouter:
    router = APIRouter(tags=["operations"])
    public = Depends(authorize(Role.PUBLIC))

    @router.get("/healthz", dependencies=[public], summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": service.name}

    @router.get(
        "/readyz", dependencies=[public], summary="Readiness: database and broker reachable"
    )
    async def readyz(response: Response) -> dict[str, Any]:
        checks = await service.runtime.readiness()
        ready = all(v == "ok" for v in checks.values())
        response.status_code = 200 if ready else 503
        return {"status": "ready" if ready else "not ready", "checks": checks}

    @router.get("/metrics", dependencies=[public], summary="Prometheus metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


async def _observe(request: Request, call_next: Callable[[Request], Any]) -> Response:
    started = time.perf_counter()
    response: Response = await call_next(request)
    route = request.scope.get("route")
    template = getattr(route, "path", "unmatched")
    REQUESTS.labels(request.method, template, str(response.status_code)).inc()
    LATENCY.labels(request.method, template).observe(time.perf_counter() - started)
    return response


def run(service_factory: Callable[[], Service]) -> None:
    """Run one service in this process (what `olymp up` starts, one process per service)."""
    import uvicorn

    service = service_factory()
    settings = service.runtime.settings
    configure_logging(service.name, settings.log_level)
    uvicorn.run(
        service.app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
    )
