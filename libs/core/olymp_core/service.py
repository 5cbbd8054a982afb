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
        gauges=[...],                     # state read from the database at each /metrics scrape
        contexts=[desk],                  # typed dependencies: Depends(context(ScanDesk))
        lifecycles=[feed],                # further background parts, started last, stopped first
        front=cached_files,               # an ASGI layer before the application (optional)
    )

A caller restricted on municipality reaches, under `/olympiads/{olympiad_id}`, only its own
municipalities' olympiads (`olymp_core.auth.olympiads`): each service keeps whose each olympiad is
from `OlympiadCreated`, so its event table handles that event (registration writes it itself).

Every service serves its audit trail read-only, the same way (`olymp_core.audit.api`: `GET /audit`,
`GET /audit/verify`), unless `audit_api=False`.

`Service.app` is the FastAPI application and `Service.asgi` what is served: the application, or
the service's `front` layer around it (publishing answers cached public files there, before
FastAPI's own middleware, routing and metrics). The application's lifespan runs every part — the
broker connection with the outbox relay and the consumers, the sweeper, the gRPC server, then the
service's own lifecycles — in one `asyncio.TaskGroup`, and stops them in reverse order. Nothing is
built at import time. The broker and the object store do not hold the other parts back: what needs
only PostgreSQL (the hub's release of keys) runs while they are down (see `Connections`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import socket
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, Literal

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.types import ASGIApp

from olymp_core.audit.api import audit_router
from olymp_core.auth import Role, authorize, document_policies
from olymp_core.auth.olympiads import OLYMPIADS_STATE, OlympiadAdmission, OlympiadMunicipalities
from olymp_core.dependencies import CONTEXTS_STATE, RUNTIME_STATE
from olymp_core.errors import CORE_ERRORS, DomainError, ErrorMap, status_of
from olymp_core.events import Consumers, OutboxRelay, Subscription, Sweeper, SweepJob
from olymp_core.events.broker import declare_exchanges
from olymp_core.events.table import EventTable
from olymp_core.grpc import GrpcApi, GrpcServer
from olymp_core.http_metrics import ObservedRequests
from olymp_core.lifecycle import Lifecycle, Loop, running
from olymp_core.logging import configure_logging
from olymp_core.openapi import document_problems
from olymp_core.problems import Problem, install_problem_handlers, problem_response
from olymp_core.request_limits import install_request_limits
from olymp_core.retry import Backoff
from olymp_core.runtime import Runtime, S
from olymp_core.state_metrics import StateGauge, StateGauges, outbox_gauges

log = logging.getLogger("olymp.service")


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
    # what the day's dashboards watch, read from the database when Prometheus scrapes (the
    # outbox's for every service, before these)
    gauges: Sequence[StateGauge] = ()
    grpc: GrpcApi | None = None
    contexts: Sequence[object] = ()
    lifecycles: Sequence[Lifecycle] = ()
    # An ASGI layer served before the application: it answers what it can (or passes the scope
    # on, lifespan included) and counts its own answers; `asgi` is the result.
    front: Callable[[ASGIApp], ASGIApp] | None = None
    # `GET /audit` and `/audit/verify` for observers and the organisers; off only where the
    # trail records no procedure of the olympiad (the portal's: sign-ins and their addresses)
    audit_api: bool = True
    # whose olympiads a caller restricted on municipality reaches (olymp_core.auth.olympiads):
    # "kept" — the table this service keeps from OlympiadCreated (its event table handles it);
    # another admission (a materials mirror serves its own municipality only); None where the
    # service keeps no olympiads (the portal: its pages call the services with the person's token)
    olympiads: OlympiadAdmission | Literal["kept"] | None = "kept"

    def __post_init__(self) -> None:
        settings = self.runtime.settings
        if self.events and self.events.service != self.name:
            raise ValueError(f"{self.name} was given the event table of {self.events.service}")
        self.sweeper = Sweeper(self.sweep_jobs)
        self.state = StateGauges(
            self.runtime.sessions, self.runtime.clock, [outbox_gauges(self.name), *self.gauges]
        )
        self.relay: OutboxRelay | None = None
        self.consumers = Consumers(
            self.subscriptions,
            self.runtime.uows,
            self.runtime.connect_broker,
            tracing=self.runtime.tracing,
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
                interceptors=self.runtime.tracing.grpc_server_interceptors(),
            )
        )
        self.app = self._build_app()
        self.asgi: ASGIApp = self.app if self.front is None else self.front(self.app)

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
            telemetry=self.runtime.tracing.http(),
        )
        setattr(app.state, RUNTIME_STATE, self.runtime)
        app.state.token_verifier = self.runtime.verifier
        admission = (
            OlympiadMunicipalities(self.runtime.sessions)
            if self.olympiads == "kept"
            else self.olympiads
        )
        setattr(app.state, OLYMPIADS_STATE, admission)
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
        statuses = {**CORE_ERRORS, **self.errors}
        self._install_error_map(app, statuses)
        document_policies(app)
        document_problems(app, statuses)
        app.include_router(_ops_router(self))
        if self.audit_api:
            app.include_router(audit_router(self.name))
        for router in self.routers:
            app.include_router(router)
        # after the routers: the limits are read from the routes (a route's own, or the default);
        # added last, the metrics wrap the limits and count their refusals too
        install_request_limits(
            app, max_body_bytes=self.runtime.settings.max_body_bytes, settings=self.runtime.settings
        )
        app.add_middleware(ObservedRequests)
        return app

    def _install_error_map(self, app: FastAPI, statuses: ErrorMap) -> None:
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
        parts: list[Lifecycle] = [Connections(self)]
        if self.sweep_jobs:
            parts.append(
                Loop.every(
                    f"{self.name}-sweeper",
                    self.sweeper.run_once,
                    interval=settings.sweep_interval_s,
                )
            )
        if self.grpc_server is not None:
            parts.append(self.grpc_server)
        parts.extend(self.lifecycles)
        return parts

    async def connect_broker(self) -> OutboxRelay:
        """Connect, declare this producer's exchange and build the relay (once connected)."""
        runtime = self.runtime
        connection = await runtime.connect_broker()
        channel = await connection.channel()
        await declare_exchanges(channel, [self.name])
        await channel.close()
        self.relay = OutboxRelay(
            self.name,
            runtime.sessions,
            connection,
            runtime.clock,
            runtime.outbox_wakeup,
            linger=runtime.settings.outbox_linger_s,
            tracing=runtime.tracing,
        )
        return self.relay

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Run every part in one task group; on exit stop them in reverse order."""
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


class Connections:
    """The broker connection with the parts that need it (the outbox relay, the consumers) and the
    object store's readiness, as one part that does not hold the service back.

    The first attempt is made at start-up, so a service whose broker answers starts as before, with
    its consumers bound. When the broker or the store does not answer within `FIRST_ATTEMPT_S`, the
    service starts without them — a hub must release keys at the instant with PostgreSQL alone —
    and this part keeps trying in the background with `Backoff`. Meanwhile `/readyz` reports them
    unavailable and events wait in the outbox, published once the relay runs.
    """

    FIRST_ATTEMPT_S = 5.0
    CHECK_S = 30.0  # once all is connected the step does nothing; only its pause matters

    def __init__(self, service: Service[Any]) -> None:
        self.name = f"{service.name}-connections"
        self._service = service
        self._storage_ready = False
        self._started: list[Lifecycle] = []
        self._tasks: asyncio.TaskGroup | None = None
        # grace 0: a connection attempt in hand is not worth waiting for when the service stops
        self._loop = Loop(
            self.name,
            self._step,
            interval=self.CHECK_S,
            backoff=Backoff(first=0.5, cap=15.0),
            grace=0,
        )

    async def start(self, tasks: asyncio.TaskGroup) -> None:
        self._tasks = tasks
        try:
            await asyncio.wait_for(self._connect(), self.FIRST_ATTEMPT_S)
        except Exception as exc:  # including the timeout: the rest of the service starts anyway
            log.warning(
                "starting without the broker or the object store; retrying in the background",
                extra={"service": self._service.name, "error": repr(exc)},
            )
        await self._start_parts()
        await self._loop.start(tasks)

    async def stop(self) -> None:
        await self._loop.stop()
        started, self._started = self._started, []
        for part in reversed(started):
            await part.stop()

    async def _step(self) -> None:
        try:
            await self._connect()
        finally:
            # the broker may be connected while the store is still down: the relay and the
            # consumers need only the broker, so they start as soon as it answers
            await self._start_parts()

    async def _connect(self) -> None:
        """Both at once, so that a store slow to fail does not delay the broker (or the other way
        round); the first failure is raised after both have been tried."""
        results = await asyncio.gather(self._storage(), self._broker(), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def _storage(self) -> None:
        if not self._storage_ready:
            await self._service.runtime.objects.ensure_ready()
            self._storage_ready = True

    async def _broker(self) -> None:
        if self._service.relay is None:
            await self._service.connect_broker()

    async def _start_parts(self) -> None:
        relay = self._service.relay
        if relay is None or self._started:
            return
        assert self._tasks is not None
        interval = self._service.runtime.settings.outbox_poll_interval_s
        for part in (relay.loop(interval), self._service.consumers):
            self._started.append(part)  # stopped even if its start is cut short
            await part.start(self._tasks)
        log.info("connected to the broker", extra={"service": self._service.name})


def _ops_router(service: Service[Any]) -> APIRouter:
    router = APIRouter(tags=["operations"])
    public = Depends(authorize(Role.PUBLIC))

    @router.get("/healthz", dependencies=[public], summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": service.name}

    @router.get(
        "/readyz",
        dependencies=[public],
        summary="Readiness: database and broker reachable",
        responses={503: {"description": "Not ready: `checks` names what is unavailable"}},
    )
    async def readyz(response: Response) -> dict[str, Any]:
        checks = await service.runtime.readiness()
        ready = all(v == "ok" for v in checks.values())
        response.status_code = 200 if ready else 503
        return {"status": "ready" if ready else "not ready", "checks": checks}

    @router.get(
        "/metrics",
        dependencies=[public],
        summary="Prometheus metrics",
        response_class=PlainTextResponse,
    )
    async def metrics() -> Response:
        await service.state.measure()
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def run(service_factory: Callable[[], Service[Any]]) -> None:
    """Run one service in this process (what `olymp up` starts, one process per service)."""
    import uvicorn

    from olymp_core.http_protocol import CoalescingHttpToolsProtocol

    service = service_factory()
    settings = service.runtime.settings
    configure_logging(service.name, settings.log_level)
    # asyncio's own loop, which grpc.aio needs; a service without gRPC may choose uvloop in its
    # own settings (publishing does), so a shared environment cannot move the others onto it
    loop = getattr(settings, "http_loop", "asyncio")
    config = uvicorn.Config(
        service.asgi,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        server_header=False,  # the server's name and version are nobody's business
        loop=loop,
        http=CoalescingHttpToolsProtocol,  # one write per response (olymp_core.http_protocol)
        # longer than the callers' clients keep an idle connection (httpx: 5 s), so the caller is
        # always the one to close it: with equal times a request sent down a connection the server
        # is closing at that moment got no answer (the portal's rare «Служба … не отвечает»)
        timeout_keep_alive=30,
    )
    shared = (
        [_shared_port(settings.http_host, settings.http_port)] if settings.http_reuse_port else None
    )
    uvicorn.Server(config).run(sockets=shared)


def _shared_port(host: str, port: int) -> socket.socket:
    """A listening socket that other processes of the same service bind as well (SO_REUSEPORT):
    each is a worker behind the one address, and one killed leaves the others serving."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, so asyncio recognises the accepted connections as TCP and turns Nagle's
    # algorithm off on them (else a response's second write waits for the client's delayed ACK)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock
