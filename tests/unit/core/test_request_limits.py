"""Request bodies are limited per route before anything reads them (H1).

Each request is driven through the application at the ASGI level, so the test sees exactly how many
bytes the application pulled from the connection: a refused body must not have been read at all.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI, Request
from prometheus_client import REGISTRY
from pydantic import BaseModel
from starlette.types import Message

from olymp_core.auth import Principal, Role, TokenVerifier, authorize, generate_local_key
from olymp_core.problems import PROBLEM_JSON, install_problem_handlers
from olymp_core.request_limits import RouteLimits, body_limit, install_request_limits

LIMIT = 1024


class Item(BaseModel):
    name: str


class Limits(BaseModel):
    max_import_bytes: int = 4096


Coordinator = Annotated[Principal, Depends(authorize(Role.COORDINATOR))]


class AdmitsAnyToken(TokenVerifier):
    """Any bearer value is a coordinator: what is tested here is the body, not the token."""

    def __init__(self) -> None:
        pass

    async def verify(self, token: str | None) -> Principal:
        if not token:
            return await super().verify(token)  # the missing-token refusal
        return Principal(subject="tester", roles=frozenset({Role.COORDINATOR}))


def build_app(settings: object | None = None) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.token_verifier = AdmitsAnyToken()

    @app.post("/items")
    async def create_item(item: Item, who: Coordinator) -> dict[str, str]:
        return {"name": item.name}

    @app.post("/public", dependencies=[Depends(authorize(Role.PUBLIC))])
    async def public(item: Item) -> dict[str, str]:
        return {"name": item.name}

    @app.post("/upload")
    @body_limit(8 * LIMIT)
    async def upload(request: Request, who: Coordinator) -> dict[str, int]:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
        return {"size": size}

    @app.post("/import")
    @body_limit(setting="max_import_bytes")
    async def import_rows(request: Request, who: Coordinator) -> dict[str, int]:
        return {"size": len(await request.body())}

    @app.get("/items", dependencies=[Depends(authorize(Role.PUBLIC))])
    async def list_items() -> list[str]:
        return []

    install_request_limits(app, max_body_bytes=LIMIT, settings=settings or Limits())
    return app


@dataclass
class Result:
    status: int
    headers: dict[str, str]
    body: bytes
    pulled: int  # body bytes the application took from the connection
    receives: int

    def problem(self) -> dict[str, Any]:
        assert self.headers["content-type"] == PROBLEM_JSON
        problem: dict[str, Any] = json.loads(self.body)
        return problem


@dataclass
class Client:
    app: FastAPI

    async def request(
        self,
        method: str,
        path: str,
        chunks: Iterable[bytes] = (),
        *,
        headers: dict[str, str] | None = None,
    ) -> Result:
        pending = list(chunks)
        pulled = receives = 0

        async def receive() -> dict[str, Any]:
            nonlocal pulled, receives
            receives += 1
            if not pending:
                return {"type": "http.request", "body": b"", "more_body": False}
            chunk = pending.pop(0)
            pulled += len(chunk)
            return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

        messages: list[Message] = []

        async def send(message: Message) -> None:
            messages.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
            "client": ("127.0.0.1", 1),
            "server": ("test", 80),
        }
        await self.app(scope, receive, send)
        start = next(m for m in messages if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        response_headers = {k.decode(): v.decode() for k, v in start["headers"]}
        return Result(start["status"], response_headers, body, pulled, receives)


@pytest.fixture
def client() -> Client:
    return Client(build_app())


TOKEN = {"Authorization": "Bearer anything"}
JSON = {"Content-Type": "application/json"}
GIGABYTES = str(3 << 30)


async def test_unauthenticated_body_is_refused_before_a_byte_is_read(client: Client) -> None:
    result = await client.request(
        "POST", "/items", [b"x" * 65536], headers={"Content-Length": GIGABYTES}
    )
    assert result.status == 401
    assert result.problem()["reason"] == "missing"
    assert result.headers["www-authenticate"].startswith("Bearer")
    assert result.receives == 0


async def test_declared_length_over_the_limit_is_refused_unread(client: Client) -> None:
    result = await client.request(
        "POST", "/items", [b"x" * 65536], headers={**TOKEN, "Content-Length": GIGABYTES}
    )
    assert result.status == 413
    problem = result.problem()
    assert problem["type"].endswith("/body-too-large")
    assert problem["max_bytes"] == LIMIT
    assert "Тело запроса — 3072.0 МБ" in problem["detail"]
    assert "1024 байт" in problem["detail"]
    assert result.headers["connection"] == "close"
    assert result.receives == 0


async def test_streamed_body_is_cut_once_it_passes_the_limit(client: Client) -> None:
    chunks = [b"x" * 300] * 100  # 30 000 bytes, no Content-Length (chunked)
    result = await client.request(
        "POST", "/items", chunks, headers={**TOKEN, "Transfer-Encoding": "chunked"}
    )
    assert result.status == 413
    assert "больше 1024 байт" in result.problem()["detail"]
    assert result.pulled <= LIMIT + 300  # the limit and the one chunk that crossed it


async def test_a_route_that_streams_is_cut_too(client: Client) -> None:
    chunks = [b"x" * 1000] * 20
    result = await client.request(
        "POST", "/upload", chunks, headers={**TOKEN, "Transfer-Encoding": "chunked"}
    )
    assert result.status == 413
    assert result.problem()["max_bytes"] == 8 * LIMIT
    assert result.pulled <= 8 * LIMIT + 1000


async def test_a_route_declares_a_larger_limit(client: Client) -> None:
    body = [b"x" * 1000] * 6  # over the default, under the route's own
    result = await client.request(
        "POST", "/upload", body, headers={**TOKEN, "Content-Length": "6000"}
    )
    assert result.status == 200, result.body
    assert json.loads(result.body) == {"size": 6000}


async def test_a_route_limit_can_name_a_setting() -> None:
    client = Client(build_app(Limits(max_import_bytes=2000)))
    fits = await client.request(
        "POST", "/import", [b"x" * 1500], headers={**TOKEN, "Content-Length": "1500"}
    )
    assert fits.status == 200
    refused = await client.request(
        "POST", "/import", [b"x" * 2500], headers={**TOKEN, "Content-Length": "2500"}
    )
    assert refused.status == 413
    assert refused.problem()["max_bytes"] == 2000


def test_a_limit_naming_no_setting_stops_the_build() -> None:
    class Other(BaseModel):
        something_else: int = 1

    with pytest.raises(ValueError, match="max_import_bytes"):
        build_app(Other())


async def test_public_route_is_limited_but_needs_no_token(client: Client) -> None:
    small = await client.request(
        "POST", "/public", [b'{"name": "a"}'], headers={"Content-Length": "13", **JSON}
    )
    assert small.status == 200
    large = await client.request(
        "POST", "/public", [b"x"], headers={"Content-Length": str(LIMIT + 1)}
    )
    assert large.status == 413
    assert large.receives == 0


async def test_requests_without_a_body_pass_untouched(client: Client) -> None:
    assert (await client.request("GET", "/items")).status == 200
    within = await client.request(
        "POST", "/items", [b'{"name": "b"}'], headers={**TOKEN, "Content-Length": "13", **JSON}
    )
    assert within.status == 200
    assert json.loads(within.body) == {"name": "b"}


async def test_unknown_address_keeps_the_default_limit(client: Client) -> None:
    result = await client.request("POST", "/nowhere", [b"x"], headers={"Content-Length": GIGABYTES})
    assert result.status == 413
    assert result.receives == 0


def test_openapi_shows_each_declared_limit() -> None:
    schema = build_app().openapi()
    assert schema["paths"]["/upload"]["post"]["x-max-body-bytes"] == 8 * LIMIT
    assert schema["paths"]["/import"]["post"]["x-max-body-bytes"] == 4096
    assert "x-max-body-bytes" not in schema["paths"]["/items"]["post"]


def test_body_limit_takes_bytes_or_a_setting_name() -> None:
    with pytest.raises(ValueError):
        body_limit()
    with pytest.raises(ValueError):
        body_limit(10, setting="max_import_bytes")
    with pytest.raises(ValueError):
        body_limit(-1)


# --- the services' upload routes ------------------------------------------------------------


def declared_limits(service: str, tmp_path: Any) -> dict[str, int]:
    import importlib

    from olymp_core.auth import generate_local_key

    public_key = tmp_path / "auth.pub.pem"
    public_key.write_text(generate_local_key(tmp_path / "auth.pem"))
    settings_cls = getattr(
        importlib.import_module(f"olymp_{service}.settings"), f"{service.title()}Settings"
    )
    settings = settings_cls(
        profile="test",
        auth_local_public_key_file=public_key,
        storage_url=f"file:{tmp_path / 'storage'}",
    )
    app = importlib.import_module(f"olymp_{service}.main").build(settings).app
    return RouteLimits(app, max_body_bytes=settings.max_body_bytes, settings=settings).declared()


UPLOADS = {
    "coding": {"POST /olympiads/{olympiad_id}/scans": 1 << 30},
    "materials": {
        "POST /olympiads/{olympiad_id}/subjects/{subject_code}/packages/{kind}": 256 << 20
    },
    "scoring": {
        "POST /olympiads/{olympiad_id}/subjects/{subject_code}/grades/{grade}/testing-results": (
            8 << 20
        ),
    },
    "registration": {
        "POST /olympiads/{olympiad_id}/participants/import": 20 << 20,
        "PUT /olympiads/{olympiad_id}/venues/{venue}/video/uploads/{upload_id}/parts/{number}": (
            8 << 20
        ),
        # an observer's photo, document or short video of a violation (§19)
        "POST /olympiads/{olympiad_id}/violation-reports/{report_id}/attachments": 20 << 20,
    },
}


@pytest.mark.parametrize("service", [*sorted(UPLOADS), "appeals", "publishing"])
def test_only_the_upload_routes_take_more_than_the_default(service: str, tmp_path: Path) -> None:
    assert declared_limits(service, tmp_path) == UPLOADS.get(service, {})


# --- metrics ------------------------------------------------------------------------------


async def test_metrics_label_unknown_methods_as_other(tmp_path: Path) -> None:
    public_key = tmp_path / "auth.pub.pem"
    public_key.write_text(generate_local_key(tmp_path / "auth.pem"))
    settings = importlib.import_module("olymp_scoring.settings").ScoringSettings(
        profile="test", auth_local_public_key_file=public_key
    )
    app = importlib.import_module("olymp_scoring.main").build(settings).app
    client = Client(app)
    for invented in ("BREW", "WHEN", "X-A1"):
        await client.request(invented, "/healthz")
    methods = {
        sample.labels["method"]
        for metric in REGISTRY.collect()
        if metric.name == "olymp_http_requests"
        for sample in metric.samples
    }
    assert "other" in methods
    assert not methods & {"BREW", "WHEN", "X-A1"}
