"""A thin client of the running suite for the demo and the end-to-end test: tokens, calls, waiting."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar

import httpx

from olymp_core.auth import Role, ScopeKind, TokenIssuer

T = TypeVar("T")


class SuiteError(RuntimeError):
    """A call answered differently than the day expects; carries the service's problem details."""


class SuiteClient:
    def __init__(self, base_urls: Mapping[str, str], issuer: TokenIssuer) -> None:
        self.base_urls = dict(base_urls)
        self.issuer = issuer
        self.http = httpx.AsyncClient(timeout=30)

    async def close(self) -> None:
        await self.http.aclose()

    def headers(
        self, role: Role, sub: str, scopes: Mapping[ScopeKind, Iterable[str]] | None = None
    ) -> dict[str, str]:
        return {"Authorization": "Bearer " + self.issuer.issue(sub, [role], scopes)}

    async def call(
        self,
        method: str,
        service: str,
        path: str,
        *,
        role: Role | None = None,
        sub: str = "demo",
        expect: Iterable[int] = (200, 201),
        **kwargs: Any,
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if role is not None:
            headers.update(self.headers(role, sub))
        response = await self.http.request(
            method, self.base_urls[service] + path, headers=headers, **kwargs
        )
        if response.status_code not in set(expect):
            raise SuiteError(
                f"{method} {service}{path} answered {response.status_code}: {response.text[:800]}"
            )
        return response

    async def json(self, method: str, service: str, path: str, **kwargs: Any) -> Any:
        return (await self.call(method, service, path, **kwargs)).json()


async def until(probe: Callable[[], Awaitable[T | None]], what: str, within_s: float = 60.0) -> T:
    """Poll `probe` until it returns something other than None/False; fail after `within_s`."""
    deadline = time.monotonic() + within_s
    while True:
        result = await probe()
        if result is not None and result is not False:
            return result
        if time.monotonic() > deadline:
            raise SuiteError(f"timed out after {within_s:.0f} s waiting for {what}")
        await asyncio.sleep(0.2)
