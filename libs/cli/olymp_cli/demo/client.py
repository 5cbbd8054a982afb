"""A thin client of the running suite for the demo and the end-to-end test: tokens, calls, waiting.

With `retry_within_s` it behaves as a patient user's client: a request that got no answer (the
service was restarting, the connection dropped) or a 5xx is sent again with a back-off until the
time is up. A request that reached the service and lost its answer may have been applied; its retry
must then be answered as the first one was, or refused — `retried` records every such case.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar

import httpx

from olymp_core.auth import ANY, PINNED_SCOPES, Role, ScopeKind, TokenIssuer, missing_pinned_scopes
from olymp_core.retry import Backoff

T = TypeVar("T")

RETRIED_STATUSES = frozenset({500, 502, 503, 504})
RETRY_BACKOFF = Backoff(first=0.2, cap=2.0)


class SuiteError(RuntimeError):
    """A call answered differently than the day expects; carries the service's problem details."""


class SuiteClient:
    def __init__(
        self,
        base_urls: Mapping[str, str],
        issuer: TokenIssuer,
        *,
        retry_within_s: float = 0.0,
        pinned: Mapping[ScopeKind, Iterable[str]] | None = None,
    ) -> None:
        self.base_urls = dict(base_urls)
        self.issuer = issuer
        # what a pinned role's token carries when a call names no scope of its kind: the demo
        # acts as the installation's operator, so every subject and venue unless told otherwise
        self.pinned = {kind: [ANY] for kind in set(PINNED_SCOPES.values())} | {
            kind: list(values) for kind, values in (pinned or {}).items()
        }
        self.http = httpx.AsyncClient(timeout=30)
        self.retry_within_s = retry_within_s
        # each request that was sent again: "POST coding/... after ReadError -> 200"
        self.retried: list[str] = []
        # commands (every request but GET) sent so far, and who wants to know of each one (the
        # fault tests strike at the n-th command of a day: the same point of it on any machine)
        self.commands = 0
        self.on_command: Callable[[int, str], None] | None = None

    async def close(self) -> None:
        await self.http.aclose()

    def headers(
        self, role: Role, sub: str, scopes: Mapping[ScopeKind, Iterable[str]] | None = None
    ) -> dict[str, str]:
        given = dict(scopes or {})
        for kind in missing_pinned_scopes([role], given).values():
            if kind is not ScopeKind.PARTICIPANT:
                given[kind] = self.pinned[kind]
        return {"Authorization": "Bearer " + self.issuer.issue(sub, [role], given)}

    async def call(
        self,
        method: str,
        service: str,
        path: str,
        *,
        role: Role | None = None,
        sub: str = "demo",
        scopes: Mapping[ScopeKind, Iterable[str]] | None = None,
        expect: Iterable[int] = (200, 201),
        **kwargs: Any,
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if role is not None:
            headers.update(self.headers(role, sub, scopes))
        url = self.base_urls[service] + path
        if method != "GET":
            self.commands += 1
            if self.on_command is not None:
                self.on_command(self.commands, f"{method} {service}{path}")
        deadline = time.monotonic() + self.retry_within_s
        failures: list[str] = []
        while True:
            try:
                response = await self.http.request(method, url, headers=headers, **kwargs)
            except httpx.TransportError as exc:
                if time.monotonic() > deadline:
                    raise SuiteError(f"{method} {service}{path}: no answer ({exc!r})") from exc
                failures.append(type(exc).__name__)
            else:
                if response.status_code not in RETRIED_STATUSES or time.monotonic() > deadline:
                    break
                failures.append(str(response.status_code))
            await asyncio.sleep(RETRY_BACKOFF.pause(len(failures)))
        if failures:
            self.retried.append(
                f"{method} {service}{path} after {', '.join(failures)} -> {response.status_code}"
            )
        if response.status_code not in set(expect):
            after = f" (after {', '.join(failures)})" if failures else ""
            raise SuiteError(
                f"{method} {service}{path} answered {response.status_code}{after}: "
                f"{response.text[:800]}"
            )
        return response

    async def json(self, method: str, service: str, path: str, **kwargs: Any) -> Any:
        return (await self.call(method, service, path, **kwargs)).json()


async def until(
    probe: Callable[[], Awaitable[T | None]],
    what: str,
    within_s: float = 60.0,
    every_s: float = 0.2,
) -> T:
    """Poll `probe` every `every_s` until it returns something other than None/False; fail after
    `within_s`."""
    deadline = time.monotonic() + within_s
    while True:
        result = await probe()
        if result is not None and result is not False:
            return result
        if time.monotonic() > deadline:
            raise SuiteError(f"timed out after {within_s:.0f} s waiting for {what}")
        await asyncio.sleep(every_s)
