"""Request bodies limited per route, before anything reads them.

FastAPI reads and parses a JSON body before a route's dependencies run — the token check among
them — so without a limit anyone could make a service hold a body of any size. `RequestLimits` is a
pure ASGI middleware that finds the route a request is for and, before the body is read:

- refuses a request with a body but no Authorization header on a route that needs a token (401):
  the route's policy is known, so there is nothing to read for;
- refuses a declared Content-Length over the route's limit (413), without reading a byte;
- counts the bytes of a body that comes without a length (chunked) and refuses once they pass the
  limit (413); what the route had already read is at most the limit plus one chunk.

The limit is the service's `max_body_bytes` (1 MiB unless set), enough for any JSON a route takes.
A route that takes a file declares its own limit on the endpoint, in bytes or by a setting's name:

    @router.post("/scans")
    @body_limit(1 << 30)
    async def upload_scan(...): ...

    @router.post("/{olympiad_id}/participants/import")
    @body_limit(setting="max_import_bytes")
    async def import_participants(...): ...

Refusals are problem details (application/problem+json) in Russian and close the connection, so
the server does not go on receiving a body nobody will read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from olymp_core.auth import missing_token, served_routes
from olymp_core.problems import Problem, problem_response

MiB = 1 << 20
DEFAULT_MAX_BODY_BYTES = MiB
_LIMIT_ATTR = "__olymp_body_limit__"

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


@dataclass(frozen=True)
class BodyLimit:
    """A route's own limit: `max_bytes`, or the value of the service setting named `setting`."""

    max_bytes: int | None = None
    setting: str | None = None

    def resolve(self, settings: object | None, where: str) -> int:
        if self.max_bytes is not None:
            return self.max_bytes
        value = getattr(settings, self.setting or "", None)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(
                f"{where}: body_limit(setting={self.setting!r}) names no whole-number setting "
                f"of {type(settings).__name__}"
            )
        return value


def body_limit(
    max_bytes: int | None = None, *, setting: str | None = None
) -> Callable[[Endpoint], Endpoint]:
    """Declare the largest request body a route takes, in bytes or by a setting's name."""
    if (max_bytes is None) == (setting is None):
        raise ValueError("body_limit: give either a number of bytes or a setting name")
    if max_bytes is not None and (isinstance(max_bytes, bool) or max_bytes < 0):
        raise ValueError(f"body_limit: {max_bytes!r} is not a number of bytes")
    limit = BodyLimit(max_bytes, setting)

    def declare(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, _LIMIT_ATTR, limit)
        return endpoint

    return declare


class BodyTooLarge(Exception):
    """Raised to the application when it reads past its route's limit."""


class ContentTooLarge(Problem):
    status = 413
    type_ = "body-too-large"
    title = "Слишком большой запрос"


@dataclass(frozen=True)
class RouteRule:
    """What a request to one route may carry."""

    route: Any  # the route as served: `matches(scope)`
    keys: tuple[str, ...]  # "METHOD /path" served here
    max_bytes: int
    needs_token: bool
    declared: bool  # the route set its own limit


class RouteLimits:
    """Each route's limit and whether it needs a token, read once from the finished app."""

    def __init__(
        self, app: FastAPI, *, max_body_bytes: int, settings: object | None = None
    ) -> None:
        self.max_body_bytes = max_body_bytes
        self.rules: list[RouteRule] = []
        for served in served_routes(app):
            endpoint = getattr(served.original, "endpoint", None)
            declared = getattr(endpoint, _LIMIT_ATTR, None)
            keys = tuple(served.keys)
            limit = (
                declared.resolve(settings, ", ".join(keys))
                if isinstance(declared, BodyLimit)
                else max_body_bytes
            )
            needs_token = served.policy is not None and not served.policy.is_public
            self.rules.append(
                RouteRule(served.route, keys, limit, needs_token, declared is not None)
            )
        self._unmatched = RouteRule(None, (), max_body_bytes, False, False)

    def declared(self) -> dict[str, int]:
        """`"METHOD /path"` -> limit, for the routes that declare their own."""
        return {key: rule.max_bytes for rule in self.rules if rule.declared for key in rule.keys}

    def rule_for(self, scope: Scope) -> RouteRule:
        """The rule of the route the router will pick (the first full match, as Starlette does)."""
        partial: RouteRule | None = None
        for rule in self.rules:
            match, _ = rule.route.matches(scope)
            if match == Match.FULL:
                return rule
            if match == Match.PARTIAL and partial is None:
                partial = rule
        # 405 or 404: the router answers without reading the body; keep the default limit anyway
        if partial is not None:
            return RouteRule(partial.route, partial.keys, self.max_body_bytes, False, False)
        return self._unmatched


def install_request_limits(
    app: FastAPI, *, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES, settings: object | None = None
) -> RouteLimits:
    """Limit `app`'s request bodies. Call it once every router is included: it reads the routes."""
    limits = RouteLimits(app, max_body_bytes=max_body_bytes, settings=settings)
    app.add_middleware(RequestLimits, limits=limits)
    build = app.openapi

    def openapi() -> dict[str, Any]:
        # clients (and fuzzers) learn each upload's limit from the document
        schema = build()
        for key, limit in limits.declared().items():
            method, path = key.split(" ", 1)
            operation = schema.get("paths", {}).get(path, {}).get(method.lower())
            if operation is not None:
                operation["x-max-body-bytes"] = limit
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    return limits


class RequestLimits:
    """The ASGI middleware; see the module's docstring."""

    def __init__(self, app: ASGIApp, limits: RouteLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = _content_length(headers)
        if "transfer-encoding" not in headers and not length:
            await self.app(scope, receive, send)  # no body: nothing to guard
            return
        rule = self.limits.rule_for(scope)
        if rule.needs_token and "authorization" not in headers:
            await _refuse(missing_token(), scope, send)
            return
        if length is not None and length > rule.max_bytes:
            await _refuse(_too_large(rule.max_bytes, length), scope, send)
            return
        guard = _Guard(rule.max_bytes, receive, send)
        try:
            await self.app(scope, guard.receive, guard.send)
        except BodyTooLarge:
            if guard.started:
                raise
        if guard.exceeded and not guard.started:
            # the application failed on the cut body, or answered it: either way, this is the answer
            await _refuse(_too_large(rule.max_bytes, None), scope, send)


class _Guard:
    """Counts what the application reads; past the limit, it reads nothing more."""

    def __init__(self, max_bytes: int, receive: Receive, send: Send) -> None:
        self.max_bytes = max_bytes
        self.received = 0
        self.exceeded = False
        self.started = False
        self._receive = receive
        self._send = send

    async def receive(self) -> Message:
        if self.exceeded:
            raise BodyTooLarge
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.max_bytes:
                self.exceeded = True
                raise BodyTooLarge
        return message

    async def send(self, message: Message) -> None:
        if self.exceeded and not self.started:
            # FastAPI turns a failed body read into its own 400: the answer is ours instead
            return
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


def _content_length(headers: Headers) -> int | None:
    value = headers.get("content-length")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None  # the server refuses such a request; counting still guards it here


def _size(n: int) -> str:
    return f"{n / MiB:.1f} МБ" if n >= MiB else f"{n} байт"


def _too_large(limit: int, length: int | None) -> ContentTooLarge:
    if length is None:
        said = f"Тело запроса больше {_size(limit)}, а этот адрес больше не принимает."
    else:
        said = f"Тело запроса — {_size(length)}, а этот адрес принимает не больше {_size(limit)}."
    return ContentTooLarge(
        said + " Уменьшите запрос; файл больше допустимого разделите на части или проверьте, "
        "тот ли файл отправлен.",
        max_bytes=limit,
    )


async def _refuse(problem: Problem, scope: Scope, send: Send) -> None:
    response = problem_response(problem, Request(scope))
    # the body is left unread: closing stops the client from sending the rest to nobody
    response.headers["connection"] = "close"
    await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}
