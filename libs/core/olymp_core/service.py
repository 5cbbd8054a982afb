"""The shape every service shares: one composition of runtime, routes, events, errors and parts.

A service's `main.build()` describes itself and nothing more:

    Service(
        name="scoring",
        runtime=runtime,
        routers=[api.router],
        events=consumers.EVENTS,          # {EventType: on_<event>} — queues derive from it
        errors=api.ERRORS,                # {DomainError: HTTP status} — one error map
        grpc=grpc_api.grpc_api(runtime),  # servicers and per-method policies
        sweep_jobs=[...],                 # repairs of what a lost message left undone
        contexts=[desk],                  # typed dependencies: Depends(context(ScanDesk))
        lifecycles=[feed],                # further background parts, started last, stopped first
    )

`Service.app` is the FastAPI application; its lifespan connects the broker and runs every part —
the outbox relay, the sweeper, the consumers, the gRPC server, then the service's own lifecycles —
in one `asyncio.TaskGroup`, and stops them in reverse order. Nothing is built at import time.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Generic

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from olymp_core.auth import Role, authorize, document_policies
from olymp_core.dependencies import CONTEXTS_STATE, RUNTIME_STATE
from olymp_core.errors import CORE_ERRORS, DomainError, ErrorMap, status_of
from olymp_core.events import Consumers, OutboxRelay, Subscription, Sweeper, SweepJob
from olymp_core.events.broker import declare_exchanges
from olymp_core.events.table import EventTable
from olymp_core.grpc import GrpcApi, GrpcServer
from olymp_core.lifecycle import Lifecycle, Loop, running
from olymp_core.logging import configure_logging
from olymp_core.problems import Problem, install_problem_handlers, problem_response
from olymp_core.runtime import Runtime, S

log = logging.getLogger("olymp.service")

REQUESTS = Counter("olymp_http_requests", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("olymp_http_request_seconds", "HTTP request latency", ["method", "route"])


@dataclass
class Service(Generic[S]):
    """A service described by its composition root; `app` runs it."""

    name: str
    runtime: Runtime[S]
    description: str = ""
    routers: Sequence[APIRouter] = ()
    events: EventTable = field(default_factory=lambda: EventTable(""))
    errors: ErrorMap = field(default_factory=dict)
    sweep_jobs: Sequence[SweepJob] = ()
    grpc: GrpcApi | None = None
    contexts: Sequence[object] = ()
    lifecycles: Sequence[Lifecycle] = ()

    def __post_init__(self) -> None:
        settings = self.runtime.settings
        if self.events and self.events.service != self.name:
            raise ValueError(f"{self.name} was given the event table of {self.events.service}")
        self.sweeper = Sweeper(self.sweep_jobs)
        self.relay: OutboxRelay | None = None
        self.consumers = Consumers(
            self.subscriptions, self.runtime.uows, self.runtime.connect_broker
        )
        self.grpc_server = (
            None
            if self.grpc is None
            else GrpcServer(
                f"{self.name}-grpc",
                self.grpc,
                self.runtime.verifier,
                host=settings.grpc_host,
                port=settings.grpc_port,
            )
        )
        self.app = self._build_app()

    @property
    def subscriptions(self) -> list[Subscription]:
        """The event table's queues, with this instance's queue prefix (tests share a broker)."""
        prefix = self.runtime.settings.queue_prefix
        return [dataclasses.replace(s, queue=prefix + s.queue) for s in self.events.subscriptions()]

    @property
    def grpc_port(self) -> int | None:
        return None if self.grpc_server is None else self.grpc_server.port

    def _build_app(self) -> FastAPI:
        app = FastAPI(
            title=f"olymp {self.name}",
            description=self.description,
            version="1",
            lifespan=self._lifespan,
        )
        setattr(app.state, RUNTIME_STATE, self.runtime)
        app.state.token_verifier = self.runtime.verifier
        contexts: dict[type[Any], Any] = {
            type(self.runtime.settings): self.runtime.settings,
            type(self.runtime): self.runtime,
        }
        for value in self.contexts:
            if type(value) in contexts:
                raise ValueError(f"{self.name}: two contexts of type {type(value).__name__}")
            contexts[type(value)] = value
        setattr(app.state, CONTEXTS_STATE, contexts)
        install_problem_handlers(app)
        self._install_error_map(app)
        document_policies(app)
        app.middleware("http")(_observe)
        app.include_router(_ops_router(self))
        for router in self.routers:
            app.include_router(router)
        return app

    def _install_error_map(self, app: FastAPI) -> None:
        statuses = {**CORE_ERRORS, **self.errors}

        async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
            assert isinstance(exc, DomainError)
            status = status_of(exc, statuses)
            if status is None:  # a refusal nobody mapped is a defect: the shape test names it
                log.error("unmapped domain error", extra={"error": type(exc).__name__})
                status = 500
            problem = Problem(
                exc.detail, status=status, type_=exc.slug(), title=exc.title, **exc.extensions
            )
            return problem_response(problem, request)

        app.add_exception_handler(DomainError, on_domain_error)

    def parts(self) -> list[Lifecycle]:
        """Everything that runs beside the HTTP server, in start order."""
        settings = self.runtime.settings
        parts: list[Lifecycle] = []
        if self.relay is not None:
            parts.append(self.relay.loop(settings.outbox_poll_interval_s))
        if self.sweep_jobs:
            parts.append(
                Loop.every(
                    f"{self.name}-sweeper",
                    self.sweeper.run_once,
                    interval=settings.sweep_interval_s,
                )
            )
        parts.append(self.consumers)
        if self.grpc_server is not None:
            parts.append(self.grpc_server)
        parts.extend(self.lifecycles)
        return parts

    async def _connect(self) -> None:
        runtime = self.runtime
        await runtime.objects.ensure_ready()
        connection = await runtime.connect_broker()
        channel = await connection.channel()
        await declare_exchanges(channel, [self.name])
        await channel.close()
        self.relay = OutboxRelay(
            self.name, runtime.sessions, connection, runtime.clock, runtime.outbox_wakeup
        )

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Connect, run every part in one task group; on exit stop them in reverse order."""
        await self._connect()
        try:
            async with running(*self.parts()):
                log.info(
                    "service started",
                    extra={
                        "http_port": self.runtime.settings.http_port,
                        "grpc_port": self.grpc_port,
                    },
                )
                yield
        finally:
            await self.runtime.close()

    @asynccontextmanager
    async def _lifespan(self, app: FastAPI) -> AsyncIterator[None]:
        async with self.running():
            yield


def _ops_router(service: Service[Any]) -> APIRouter:
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


def run(service_factory: Callable[[], Service[Any]]) -> None:
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
