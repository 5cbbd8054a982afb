"""The shared gRPC scaffolding: in-process serving, the health service, and current stubs."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from olymp.registration.v1 import registration_pb2, registration_pb2_grpc
from olymp_core.grpc import build_server, stop_server
from olymp_core.testing.grpc import serve_in_process

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[3]
REGISTRATION_SERVICE = "olymp.registration.v1.RegistrationService"


class OneOlympiadRegistration(registration_pb2_grpc.RegistrationServiceServicer):  # type: ignore[misc]
    """Knows a single olympiad; anything else is NOT_FOUND, as the real servicer answers."""

    async def GetOlympiad(
        self, request: registration_pb2.GetOlympiadRequest, context: grpc.aio.ServicerContext
    ) -> registration_pb2.GetOlympiadResponse:
        if request.olympiad_id != "omsk-2025":
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no olympiad {request.olympiad_id}")
        return registration_pb2.GetOlympiadResponse(
            olympiad_id="omsk-2025",
            title="Муниципальный этап ВсОШ 2025/26",
            time_zone="Asia/Omsk",
            subjects=["math", "physics"],
        )


def register_registration(server: grpc.aio.Server) -> None:
    registration_pb2_grpc.add_RegistrationServiceServicer_to_server(
        OneOlympiadRegistration(), server
    )


async def test_call_goes_through_in_process_server() -> None:
    async with serve_in_process(register_registration) as channel:
        stub = registration_pb2_grpc.RegistrationServiceStub(channel)
        response = await stub.GetOlympiad(
            registration_pb2.GetOlympiadRequest(olympiad_id="omsk-2025")
        )
        with pytest.raises(grpc.aio.AioRpcError) as missing:
            await stub.GetOlympiad(registration_pb2.GetOlympiadRequest(olympiad_id="nowhere"))

    assert response.time_zone == "Asia/Omsk"
    assert list(response.subjects) == ["math", "physics"]
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND


async def test_health_answers_serving_for_server_and_each_service() -> None:
    async with serve_in_process(register_registration) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        overall = await health.Check(health_pb2.HealthCheckRequest(service=""))
        registration = await health.Check(
            health_pb2.HealthCheckRequest(service=REGISTRATION_SERVICE)
        )
        with pytest.raises(grpc.aio.AioRpcError) as unknown:
            await health.Check(health_pb2.HealthCheckRequest(service="olymp.nothing.v1.Nothing"))

    assert overall.status == health_pb2.HealthCheckResponse.SERVING
    assert registration.status == health_pb2.HealthCheckResponse.SERVING
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND


async def test_health_turns_not_serving_when_shutdown_begins() -> None:
    server, port = build_server(port=0, host="127.0.0.1", services=[register_registration])
    assert port > 0
    assert server.service_names == (REGISTRATION_SERVICE,)
    await server.start()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        watch = health.Watch(health_pb2.HealthCheckRequest(service=REGISTRATION_SERVICE))
        first = await watch.read()
        # A long grace keeps the server up while the watcher sees the change; the stop is awaited
        # only after the watcher has read it.
        stopping = asyncio.create_task(stop_server(server, grace=30.0))
        second = await watch.read()
        watch.cancel()
    await stopping

    assert first.status == health_pb2.HealthCheckResponse.SERVING
    assert second.status == health_pb2.HealthCheckResponse.NOT_SERVING


async def test_a_taken_port_is_refused_not_shared() -> None:
    # gRPC's default SO_REUSEPORT let a second server bind a taken port and take half its calls
    # (in tests: an ephemeral port landing on another suite's server of the same user)
    server, port = build_server(port=0, host="127.0.0.1", services=[register_registration])
    await server.start()
    try:
        with pytest.raises(OSError, match="could not bind"):
            build_server(port=port, host="127.0.0.1", services=[register_registration])
    finally:
        await stop_server(server, grace=None)


def test_committed_stubs_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "gen_proto.py"), "--check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
