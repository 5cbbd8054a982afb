"""Auth end to end over real transports: a FastAPI app (ASGI) and a grpc.aio server on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import grpc
import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import APIRouter, Depends, FastAPI
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import aio as health_aio

from olymp_core.auth import (
    AuthInterceptor,
    Policy,
    Principal,
    RevocationList,
    Revocations,
    Role,
    ScopeKind,
    ScopeRule,
    TokenIssuer,
    TokenVerifier,
    authorize,
    bearer_metadata,
    current_principal,
    document_policies,
    route_policies,
    undeclared_routes,
    unverified_claims,
    write_revocations,
)
from olymp_core.clock import ManualClock
from olymp_core.grpc import SERVER_OPTIONS
from olymp_core.problems import PROBLEM_JSON, install_problem_handlers

START = datetime(2025, 10, 14, 8, 0, tzinfo=UTC)


def new_issuer(clock: ManualClock) -> TokenIssuer:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return TokenIssuer(pem, "olymp-local", "olymp", clock=clock)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def issuer(clock: ManualClock) -> TokenIssuer:
    return new_issuer(clock)


@pytest.fixture
def revocation_file(tmp_path: Path) -> Path:
    return tmp_path / "revoked.json"


@pytest.fixture
def verifier(issuer: TokenIssuer, clock: ManualClock, revocation_file: Path) -> TokenVerifier:
    return TokenVerifier.from_public_key_pem(
        issuer.public_key_pem(),
        issuer="olymp-local",
        audience="olymp",
        clock=clock,
        revocations=RevocationList(revocation_file),
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- HTTP ----------------------------------------------------------------------------------------

MunicipalCoordinator = Annotated[
    Principal,
    Depends(
        authorize(
            Role.MUNICIPAL_COORDINATOR,
            Role.COORDINATOR,
            scope=ScopeRule(ScopeKind.MUNICIPALITY, "municipality"),
        )
    ),
]


def build_app(verifier: TokenVerifier) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.token_verifier = verifier
    jury = APIRouter(
        prefix="/jury", dependencies=[Depends(authorize(Role.JURY_MEMBER, Role.JURY_CHAIR))]
    )

    @jury.get("/works")
    async def works(
        who: Annotated[
            Principal,
            Depends(authorize(Role.JURY_CHAIR, scope=ScopeRule(ScopeKind.SUBJECT, "subject"))),
        ],
        subject: str | None = None,
    ) -> dict[str, Any]:
        return {"chair": who.subject, "subject": subject}

    @app.get("/municipalities/{municipality}/packages")
    async def packages(municipality: str, who: MunicipalCoordinator) -> dict[str, str]:
        return {"municipality": municipality, "for": who.subject}

    @app.get("/results", dependencies=[Depends(authorize(Role.PUBLIC))])
    async def results() -> list[str]:
        return ["published"]

    @app.get("/forgotten")
    async def forgotten() -> None:
        return None

    app.include_router(jury)
    document_policies(app)
    return app


@pytest.fixture
async def http(verifier: TokenVerifier) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(verifier))
    async with httpx.AsyncClient(transport=transport, base_url="http://olymp.test") as client:
        yield client


def assert_problem(response: httpx.Response, status: int, *fragments: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    for fragment in fragments:
        assert fragment in body["detail"]
    return body


async def test_http_without_token_is_401_problem(http: httpx.AsyncClient) -> None:
    response = await http.get("/municipalities/tara/packages")
    body = assert_problem(response, 401, "Authorization: Bearer")
    assert body["instance"] == "/municipalities/tara/packages"
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_http_expired_or_forged_token_is_401(
    http: httpx.AsyncClient, issuer: TokenIssuer, clock: ManualClock
) -> None:
    old = issuer.issue("ivanova", [Role.COORDINATOR], ttl=timedelta(minutes=1))
    clock.advance(timedelta(minutes=2))
    response = await http.get("/municipalities/tara/packages", headers=bearer(old))
    assert_problem(response, 401, "истёк")
    forged = new_issuer(clock).issue("mallory", [Role.COORDINATOR])
    response = await http.get("/municipalities/tara/packages", headers=bearer(forged))
    assert_problem(response, 401, "чужим ключом")
    response = await http.get("/municipalities/tara/packages", headers={"Authorization": "Basic x"})
    assert_problem(response, 401, "Bearer <токен>")


async def test_http_wrong_role_is_403_naming_admitted_roles(
    http: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    observer = issuer.issue("nablyudatel", [Role.OBSERVER])
    response = await http.get("/municipalities/tara/packages", headers=bearer(observer))
    body = assert_problem(response, 403, "муниципальный координатор", "региональный координатор")
    assert body["admitted_roles"] == ["coordinator", "municipal_coordinator"]


async def test_http_out_of_scope_path_and_query_are_403(
    http: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    tara = issuer.issue("m", [Role.MUNICIPAL_COORDINATOR], {ScopeKind.MUNICIPALITY: ["tara"]})
    response = await http.get("/municipalities/ust-ishim/packages", headers=bearer(tara))
    assert_problem(response, 403, "«ust-ishim»")
    response = await http.get("/municipalities/tara/packages", headers=bearer(tara))
    assert response.status_code == 200
    assert response.json() == {"municipality": "tara", "for": "m"}

    math_chair = issuer.issue("chair", [Role.JURY_CHAIR], {ScopeKind.SUBJECT: ["math"]})
    assert (await http.get("/jury/works?subject=math", headers=bearer(math_chair))).json() == {
        "chair": "chair",
        "subject": "math",
    }
    response = await http.get("/jury/works?subject=physics", headers=bearer(math_chair))
    assert_problem(response, 403, "«physics»")
    response = await http.get("/jury/works", headers=bearer(math_chair))
    assert_problem(response, 403, "«subject»")


async def test_http_router_and_route_policies_both_apply(
    http: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    member = issuer.issue("member", [Role.JURY_MEMBER])
    assert_problem(await http.get("/jury/works", headers=bearer(member)), 403, "председатель жюри")
    coder = issuer.issue(
        "coder", [Role.JURY_CHAIR, Role.CODING_OFFICER], {ScopeKind.SUBJECT: ["*"]}
    )
    assert (await http.get("/jury/works", headers=bearer(coder))).status_code == 200


async def test_p21_a_jury_token_without_a_subject_is_refused_not_admitted_everywhere(
    http: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    unpinned = issuer.issue("chair", [Role.JURY_CHAIR])
    body = assert_problem(
        await http.get("/jury/works?subject=math", headers=bearer(unpinned)),
        403,
        "председатель жюри",
        "--scope subject=",
    )
    assert body["missing_scope"] == "subject"


async def test_http_public_route_needs_no_token(http: httpx.AsyncClient) -> None:
    response = await http.get("/results")
    assert response.status_code == 200
    assert response.json() == ["published"]


async def test_policies_are_listed_and_undeclared_routes_found(verifier: TokenVerifier) -> None:
    app = build_app(verifier)
    policies = route_policies(app)
    assert set(policies) == {
        "GET /jury/works",
        "GET /municipalities/{municipality}/packages",
        "GET /results",
    }
    assert policies["GET /jury/works"] == Policy(
        frozenset({Role.JURY_CHAIR}), (ScopeRule(ScopeKind.SUBJECT, "subject"),)
    )
    assert policies["GET /results"].is_public
    assert undeclared_routes(app) == ["GET /forgotten"]

    operations = app.openapi()["paths"]
    packages = operations["/municipalities/{municipality}/packages"]["get"]
    assert packages["x-roles"] == ["coordinator", "municipal_coordinator"]
    assert packages["x-scope"] == [{"kind": "municipality", "param": "municipality"}]
    assert packages["security"] == [{"HTTPBearer": []}]
    assert operations["/jury/works"]["get"]["x-roles"] == ["jury_chair"]
    assert operations["/results"]["get"]["x-roles"] == ["public"]
    assert "security" not in operations["/results"]["get"]
    assert "x-roles" not in operations["/forgotten"]["get"]


# --- gRPC ----------------------------------------------------------------------------------------

SERVICE = "olymp.test.v1.Feed"
ECHO = f"/{SERVICE}/WhoAmI"
STREAM = f"/{SERVICE}/Packages"
UNDECLARED = f"/{SERVICE}/Forgotten"


@dataclass
class FeedRequest:
    municipality_id: str


def decode_request(data: bytes) -> FeedRequest:
    return FeedRequest(municipality_id=data.decode())


async def who_am_i(request: FeedRequest, context: grpc.aio.ServicerContext) -> bytes:
    return current_principal().subject.encode()


async def packages(request: FeedRequest, context: grpc.aio.ServicerContext) -> AsyncIterator[bytes]:
    who = current_principal().subject
    for number in range(3):
        yield f"{request.municipality_id}:{number}:{who}".encode()


def identity(data: bytes) -> bytes:
    return data


GRPC_POLICIES = {
    ECHO: Policy.of(Role.SERVICE, Role.JURY_CHAIR),
    STREAM: Policy.of(
        Role.MUNICIPAL_COORDINATOR,
        scope=ScopeRule(ScopeKind.MUNICIPALITY, "municipality_id"),
    ),
}


@pytest.fixture
async def channel(verifier: TokenVerifier) -> AsyncIterator[grpc.aio.Channel]:
    server = grpc.aio.server(
        interceptors=[AuthInterceptor(verifier, GRPC_POLICIES)], options=SERVER_OPTIONS
    )
    health = health_aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health, server)
    handlers = {
        "WhoAmI": grpc.unary_unary_rpc_method_handler(
            who_am_i, request_deserializer=decode_request, response_serializer=identity
        ),
        "Forgotten": grpc.unary_unary_rpc_method_handler(
            who_am_i, request_deserializer=decode_request, response_serializer=identity
        ),
        "Packages": grpc.unary_stream_rpc_method_handler(
            packages, request_deserializer=decode_request, response_serializer=identity
        ),
    }
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(SERVICE, handlers)])
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    await health.set("", health_pb2.HealthCheckResponse.SERVING)
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as opened:
            yield opened
    finally:
        await server.stop(grace=None)


def call_unary(channel: grpc.aio.Channel, method: str) -> Any:
    return channel.unary_unary(method, request_serializer=identity, response_deserializer=identity)


def call_stream(channel: grpc.aio.Channel, method: str) -> Any:
    return channel.unary_stream(method, request_serializer=identity, response_deserializer=identity)


async def rpc_error(call: Any) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        result = call
        if hasattr(result, "__aiter__"):
            async for _ in result:
                pass
        else:
            await result
    return caught.value


async def test_grpc_health_is_public(channel: grpc.aio.Channel) -> None:
    stub = health_pb2_grpc.HealthStub(channel)
    response = await stub.Check(health_pb2.HealthCheckRequest(service=""))
    assert response.status == health_pb2.HealthCheckResponse.SERVING


async def test_grpc_without_or_with_bad_token_is_unauthenticated(
    channel: grpc.aio.Channel, issuer: TokenIssuer, clock: ManualClock
) -> None:
    error = await rpc_error(call_unary(channel, ECHO)(b"tara"))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "Authorization: Bearer" in (error.details() or "")

    forged = new_issuer(clock).issue("mallory", [Role.SERVICE])
    error = await rpc_error(call_unary(channel, ECHO)(b"tara", metadata=bearer_metadata(forged)))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "чужим ключом" in (error.details() or "")

    error = await rpc_error(
        call_stream(channel, STREAM)(b"tara", metadata=bearer_metadata("not-a-token"))
    )
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_grpc_wrong_role_scope_or_undeclared_method_is_denied(
    channel: grpc.aio.Channel, issuer: TokenIssuer
) -> None:
    observer = bearer_metadata(issuer.issue("n", [Role.OBSERVER]))
    error = await rpc_error(call_unary(channel, ECHO)(b"tara", metadata=observer))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "служба системы" in (error.details() or "")

    tara = bearer_metadata(
        issuer.issue("m", [Role.MUNICIPAL_COORDINATOR], {ScopeKind.MUNICIPALITY: ["tara"]})
    )
    error = await rpc_error(call_stream(channel, STREAM)(b"ust-ishim", metadata=tara))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "«ust-ishim»" in (error.details() or "")

    service = bearer_metadata(issuer.issue("svc:coding", [Role.SERVICE]))
    error = await rpc_error(call_unary(channel, UNDECLARED)(b"tara", metadata=service))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_grpc_right_role_reaches_the_servicer_with_its_principal(
    channel: grpc.aio.Channel, issuer: TokenIssuer
) -> None:
    service = bearer_metadata(issuer.issue("svc:coding", [Role.SERVICE]))
    assert await call_unary(channel, ECHO)(b"", metadata=service) == b"svc:coding"

    tara = bearer_metadata(
        issuer.issue("m", [Role.MUNICIPAL_COORDINATOR], {ScopeKind.MUNICIPALITY: ["tara"]})
    )
    received = [item async for item in call_stream(channel, STREAM)(b"tara", metadata=tara)]
    assert received == [b"tara:0:m", b"tara:1:m", b"tara:2:m"]


async def test_revoked_and_overlong_tokens_are_refused_on_both_transports(
    http: httpx.AsyncClient,
    channel: grpc.aio.Channel,
    issuer: TokenIssuer,
    clock: ManualClock,
    revocation_file: Path,
) -> None:
    chair = issuer.issue(
        "petrova",
        [Role.JURY_CHAIR, Role.MUNICIPAL_COORDINATOR],
        {ScopeKind.SUBJECT: ["math"], ScopeKind.MUNICIPALITY: ["tara"]},
    )
    assert (
        await http.get("/municipalities/tara/packages", headers=bearer(chair))
    ).status_code == 200
    assert await call_unary(channel, ECHO)(b"", metadata=bearer_metadata(chair)) == b"petrova"

    # the operator revokes it while both servers run: the next call is refused, no restart
    jti = str(unverified_claims(chair)["jti"])
    write_revocations(revocation_file, Revocations().with_token(jti, clock.now(), "утерян"))
    body = assert_problem(
        await http.get("/municipalities/tara/packages", headers=bearer(chair)), 401, "отозван"
    )
    assert body["reason"] == "revoked"
    error = await rpc_error(call_unary(channel, ECHO)(b"", metadata=bearer_metadata(chair)))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "отозван" in (error.details() or "")

    month = issuer.issue("petrova", [Role.JURY_CHAIR], ttl=timedelta(days=30))
    assert_problem(await http.get("/jury/works", headers=bearer(month)), 401, "не длиннее 12 ч")
    error = await rpc_error(call_unary(channel, ECHO)(b"", metadata=bearer_metadata(month)))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
