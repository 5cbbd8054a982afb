"""The repair job's token under OIDC («Holds on the day», M3): coding's sweeper asks registration
who was present with a service token. It could sign one only with a local private key, which an
OIDC deployment does not give it, so the job's calls carried no token and failed at every pass with
nothing in /readyz. Now it takes an OAuth2 client-credentials token from the provider's token
endpoint — here a small one the test starts — or says plainly in /readyz and the log why it cannot.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import uvicorn
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from olymp_coding import store
from olymp_coding.settings import CodingSettings
from olymp_core.auth import Role, TokenIssuer, generate_local_key
from olymp_core.grpc import stop_server
from olymp_core.testing.events import eventually
from olymp_core.testing.service import ServiceHarness, running_service
from tests.integration.coding.test_late_work import checked_in
from tests.integration.coding.test_sweeper import PresentAtMath, registration_server

pytestmark = pytest.mark.integration

CLIENT_ID, CLIENT_SECRET = "olymp-coding", "s3cret-of-the-coding-client"


@dataclass
class TokenEndpoint:
    """An OAuth2 token endpoint (client credentials, client_secret_basic) issuing the suite's
    tokens with the service role, as a provider configured for the suite would."""

    issuer: TokenIssuer
    url: str = ""
    requests: list[dict[str, str]] = field(default_factory=list)

    async def token(self, request: Request) -> JSONResponse:
        form = dict(parse_qsl((await request.body()).decode()))
        self.requests.append(form)
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        token = self.issuer.issue(CLIENT_ID, [Role.SERVICE])
        return JSONResponse({"access_token": token, "token_type": "Bearer", "expires_in": 300})

    async def jwks(self, request: Request) -> JSONResponse:
        return JSONResponse({"keys": []})  # coding verifies no token in these tests


@pytest.fixture
async def provider(tmp_path: Path) -> AsyncIterator[tuple[TokenEndpoint, str]]:
    """The token endpoint on a free loopback port, and the provider's public key (PEM)."""
    public_pem = generate_local_key(tmp_path / "provider.pem")
    endpoint = TokenEndpoint(TokenIssuer((tmp_path / "provider.pem").read_bytes()))
    app = Starlette(
        routes=[
            Route("/token", endpoint.token, methods=["POST"]),
            Route("/jwks", endpoint.jwks, methods=["GET"]),
        ]
    )
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    serving = asyncio.create_task(server.serve())

    async def started() -> bool:
        return server.started

    await eventually(started)
    port = server.servers[0].sockets[0].getsockname()[1]
    endpoint.url = f"http://127.0.0.1:{port}"
    try:
        yield endpoint, public_pem
    finally:
        server.should_exit = True
        await serving


@pytest.fixture
async def registration(
    provider: tuple[TokenEndpoint, str],
) -> AsyncIterator[tuple[PresentAtMath, int, uuid.UUID]]:
    """Registration's gRPC, trusting the provider's tokens; three participants were present."""
    _, public_pem = provider
    olympiad = uuid.uuid4()
    servicer = PresentAtMath(olympiad, [uuid.uuid4() for _ in range(3)])
    server, port = await registration_server(servicer, public_pem)
    try:
        yield servicer, port, olympiad
    finally:
        await stop_server(server, grace=None)


def under_oidc(endpoint: TokenEndpoint, port: int, **client: Any) -> dict[str, Any]:
    """Coding's settings in an OIDC deployment: keys from the JWKS, no private key."""
    return {
        "registration_grpc": f"127.0.0.1:{port}",
        "auth_jwks_url": f"{endpoint.url}/jwks",
        "sweep_interval_s": 3600,
        **client,
    }


async def readiness(svc: ServiceHarness) -> tuple[int, dict[str, str]]:
    response = await svc.client.get("/readyz")
    return response.status_code, response.json()["checks"]


async def test_m3_under_oidc_the_repair_job_takes_a_client_credentials_token_and_heals(
    tmp_path: Path,
    provider: tuple[TokenEndpoint, str],
    registration: tuple[PresentAtMath, int, uuid.UUID],
) -> None:
    endpoint, _ = provider
    servicer, port, olympiad = registration
    settings = under_oidc(
        endpoint,
        port,
        oidc_token_url=f"{endpoint.url}/token",
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
    )
    async with running_service("coding", tmp_path / "coding", **settings) as svc:
        assert svc.service.runtime.settings.auth_local_private_key_file is None
        # coding has heard of the olympiad's math (one check-in), so the job asks about it
        await svc.deliver(checked_in(olympiad, servicer.present[0]))

        first = await svc.service.sweeper.run_once()
        again = await svc.service.sweeper.run_once()
        status, checks = await readiness(svc)
        async with svc.uows() as uow:
            coded = sorted(
                str(w.participant_id) for w in await store.works_of(uow.session, olympiad, "math")
            )

    assert first["coding.lost_check_ins"] + again["coding.lost_check_ins"] == 2
    assert coded == sorted(str(p) for p in servicer.present)
    assert servicer.callers and all(c.has_role(Role.SERVICE) for c in servicer.callers)
    assert {c.subject for c in servicer.callers} == {CLIENT_ID}
    assert (status, checks["registration_token"]) == (200, "ok")
    # one token for both passes and the readiness check: it is kept until shortly before expiry
    assert endpoint.requests == [{"grant_type": "client_credentials"}]


async def test_m3_under_oidc_without_a_client_readiness_and_the_log_say_what_to_set(
    tmp_path: Path,
    provider: tuple[TokenEndpoint, str],
    registration: tuple[PresentAtMath, int, uuid.UUID],
    caplog: pytest.LogCaptureFixture,
) -> None:
    endpoint, _ = provider
    servicer, port, olympiad = registration
    caplog.set_level(logging.ERROR)
    async with running_service("coding", tmp_path / "coding", **under_oidc(endpoint, port)) as svc:
        await svc.deliver(checked_in(olympiad, servicer.present[0]))
        healed = await svc.service.sweeper.run_once()
        status, checks = await readiness(svc)

    assert status == 503
    assert checks["registration_token"].startswith("unavailable:")
    assert "OLYMP_CODING_OIDC_TOKEN_URL" in checks["registration_token"]
    assert healed["coding.lost_check_ins"] == 0
    assert servicer.callers == []  # no call went out without a token
    logged = " ".join(r.getMessage() + str(getattr(r, "error", "")) for r in caplog.records)
    assert "sweep job failed" in logged
    assert "OLYMP_CODING_OIDC_TOKEN_URL" in logged


async def test_m3_a_refused_client_is_reported_without_its_secret(
    tmp_path: Path,
    provider: tuple[TokenEndpoint, str],
    registration: tuple[PresentAtMath, int, uuid.UUID],
    caplog: pytest.LogCaptureFixture,
) -> None:
    endpoint, _ = provider
    _, port, _ = registration
    wrong = "not-the-secret-at-all"
    settings = under_oidc(
        endpoint,
        port,
        oidc_token_url=f"{endpoint.url}/token",
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=wrong,
    )
    caplog.set_level(logging.ERROR)
    async with running_service("coding", tmp_path / "coding", **settings) as svc:
        status, checks = await readiness(svc)
        # a readiness probe right after does not ask the provider again: it waits its back-off
        await readiness(svc)

    assert status == 503
    assert "HTTP 401 invalid_client" in checks["registration_token"]
    assert len(endpoint.requests) == 1
    assert wrong not in checks["registration_token"]
    assert all(wrong not in r.getMessage() + str(r.__dict__) for r in caplog.records)


def test_m3_an_incomplete_oidc_client_stops_the_service_at_start() -> None:
    with pytest.raises(ValidationError, match="OLYMP_CODING_OIDC_CLIENT_SECRET"):
        CodingSettings(
            profile="test",
            oidc_token_url="http://127.0.0.1:1/token",
            oidc_client_id=CLIENT_ID,
        )
