"""gRPC server scaffolding shared by every service: grpc.aio plus the standard health service.

    server, port = build_server(port=settings.grpc_port, services=[register_scoring])
    await server.start()          # health: SERVING for "" and every registered service
    ...
    await stop_server(server, grace=5.0)   # health: NOT_SERVING, then drain and stop

`services` are callables such as
`lambda server: scoring_pb2_grpc.add_ScoringServiceServicer_to_server(servicer, server)`; the server
notes the service names they register, so health reports each of them without a separate list.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import SERVICE_NAME as HEALTH_SERVICE_NAME
from grpc_health.v1.health import aio as health_aio

from olymp_core.auth import AuthInterceptor, Policy, TokenVerifier

ServiceRegistration = Callable[[grpc.aio.Server], None]

# A reconnect storm (thousands of mirrors at 07:59 after a hub restart) brings calls faster than the
# asyncio server takes them from gRPC core; core then cancels the calls waiting beyond its
# pending-request limits (1,000, hard 3,000), and those clients see CANCELLED and must come back.
# A waiting call costs a few hundred bytes, so the limits are set far above any region's mirrors.
MAX_PENDING_CALLS = 100_000
SERVER_OPTIONS = (
    ("grpc.server.max_pending_requests", MAX_PENDING_CALLS),
    ("grpc.server.max_pending_requests_hard_limit", MAX_PENDING_CALLS),
    # gRPC sets SO_REUSEPORT by default: a second process on a taken port then binds it too and
    # silently takes half the calls, and an ephemeral port (port=0, tests) may be one another
    # server of the same user listens on — a test's call answered by another suite's registration
    # ("signed by a foreign key"). Without it a taken port fails at start, loudly.
    ("grpc.so_reuseport", 0),
)

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


class HealthReportingServer(grpc.aio.Server):  # type: ignore[misc]
    """A grpc.aio server that keeps the standard health service in step with its own life.

    Health turns SERVING only once the server has started, so a load balancer never routes to a
    half-built process, and NOT_SERVING as soon as shutdown begins, so clients move away while
    in-flight calls drain during the grace period.
    """

    def __init__(self, inner: grpc.aio.Server) -> None:
        self._inner = inner
        self._service_names: list[str] = []
        self.health = health_aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, inner)

    @property
    def service_names(self) -> tuple[str, ...]:
        """Full names of the services registered so far (olymp.scoring.v1.ScoringService)."""
        return tuple(self._service_names)

    def _note_service(self, name: str) -> None:
        if name != HEALTH_SERVICE_NAME and name not in self._service_names:
            self._service_names.append(name)

    def add_generic_rpc_handlers(self, generic_rpc_handlers: Sequence[Any]) -> None:
        for handler in generic_rpc_handlers:
            service_name = getattr(handler, "service_name", None)
            if callable(service_name):
                self._note_service(str(service_name()))
        self._inner.add_generic_rpc_handlers(generic_rpc_handlers)

    def add_registered_method_handlers(self, service_name: str, method_handlers: Any) -> None:
        self._note_service(service_name)
        self._inner.add_registered_method_handlers(service_name, method_handlers)

    def add_insecure_port(self, address: str) -> int:
        return int(self._inner.add_insecure_port(address))

    def add_secure_port(self, address: str, server_credentials: Any) -> int:
        return int(self._inner.add_secure_port(address, server_credentials))

    async def start(self) -> None:
        await self._inner.start()
        for name in ("", *self._service_names):
            await self.health.set(name, SERVING)

    async def stop(self, grace: float | None) -> None:
        await self.health.enter_graceful_shutdown()
        await self._inner.stop(grace)

    async def wait_for_termination(self, timeout: float | None = None) -> bool:  # noqa: ASYNC109
        return bool(await self._inner.wait_for_termination(timeout))


def build_server(
    *,
    port: int,
    host: str = "0.0.0.0",  # noqa: S104 - a service listens on every interface of its container
    interceptors: Sequence[grpc.aio.ServerInterceptor] = (),
    services: Sequence[ServiceRegistration],
    credentials: grpc.ServerCredentials | None = None,
) -> tuple[HealthReportingServer, int]:
    """A not yet started grpc.aio server with `services` and the health service, and its bound port.

    `port=0` binds an ephemeral port (tests). With `credentials` the port is TLS (municipal mirrors
    reach the regional hub over the network); without, plaintext for traffic inside the deployment.
    """
    server = HealthReportingServer(
        grpc.aio.server(interceptors=list(interceptors), options=SERVER_OPTIONS)
    )
    for register in services:
        register(server)
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        if credentials is None:
            bound_port = server.add_insecure_port(address)
        else:
            bound_port = server.add_secure_port(address, credentials)
    except RuntimeError as exc:  # grpcio's way of saying the address is taken
        raise OSError(f"gRPC server could not bind {address}: is the port taken?") from exc
    if bound_port == 0:
        raise OSError(f"gRPC server could not bind {address}")
    return server, bound_port


async def stop_server(server: grpc.aio.Server, grace: float | None) -> None:
    """Report NOT_SERVING, let in-flight calls finish for up to `grace` seconds, then stop."""
    await server.stop(grace)
    await server.wait_for_termination()


@dataclass(frozen=True)
class GrpcApi:
    """What a service serves over gRPC: its servicers and the policy of every method."""

    services: Sequence[ServiceRegistration]
    policies: Mapping[str, Policy]


class GrpcServer:
    """A gRPC server as a lifecycle: every method under its policy, health in step, port known."""

    def __init__(
        self,
        name: str,
        api: GrpcApi,
        verifier: TokenVerifier,
        *,
        host: str,
        port: int,
        credentials: grpc.ServerCredentials | None = None,
        grace: float = 2.0,
        interceptors: Sequence[grpc.aio.ServerInterceptor] = (),
    ) -> None:
        self.name = name
        self._api = api
        self._verifier = verifier
        self._host = host
        self._requested_port = port
        self._credentials = credentials
        self._grace = grace
        # run before the token check (tracing: a refused call is traced too)
        self._interceptors = tuple(interceptors)
        self._server: HealthReportingServer | None = None
        self.port: int | None = None

    async def start(self, tasks: asyncio.TaskGroup) -> None:
        self._server, self.port = build_server(
            host=self._host,
            port=self._requested_port,
            interceptors=[
                *self._interceptors,
                AuthInterceptor(self._verifier, self._api.policies),
            ],
            services=self._api.services,
            credentials=self._credentials,
        )
        await self._server.start()

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            await stop_server(server, grace=self._grace)
