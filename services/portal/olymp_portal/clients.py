"""The six services' APIs, called with the signed-in person's token.

The portal decides nothing about the olympiad: each call carries a token for the person in the
role they chose, so the services' own role and scope checks are the only ones. A refusal comes back
as `Refused` with the service's own Russian explanation, for the page to show next to what the
person typed; a service that does not answer is `Unavailable`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from olymp_core.auth import TokenIssuer
from olymp_core.errors import DomainError
from olymp_portal.domain import Grant


class Refused(DomainError):
    """A service refused the call; `detail` is its explanation, `fields` what it named."""

    title = "Действие отклонено"

    def __init__(self, detail: str, *, status: int, problem: Mapping[str, Any] | None = None):
        super().__init__(detail)
        self.status = status
        self.problem = dict(problem or {})


class Unavailable(DomainError):
    title = "Служба недоступна"


@dataclass
class Caller:
    """One person's calls: their login and name, the role they act in, a short-lived token."""

    login: str
    name: str
    grant: Grant
    backends: Backends
    _token: str | None = field(default=None, repr=False)

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = self.backends.issuer.issue(
                self.login,
                [self.grant.role],
                dict(self.grant.scopes),
                ttl=self.backends.token_ttl,
                name=self.name,
            )
        return self._token

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        content: bytes | None = None,
        content_type: str | None = None,
    ) -> httpx.Response:
        """`json`, or a file's bytes as `content` of `content_type` (an attachment)."""
        client = self.backends.clients[service]
        headers = {"Authorization": f"Bearer {self.token}"}
        if content_type is not None:
            headers["Content-Type"] = content_type
        try:
            response = await client.request(
                method, path, json=json, params=params, content=content, headers=headers
            )
        except httpx.HTTPError as exc:
            raise Unavailable(
                f"Служба «{service}» не отвечает ({type(exc).__name__}). Повторите через минуту; "
                "если не проходит — сообщите оператору системы."
            ) from exc
        if response.status_code >= 500:
            raise Unavailable(
                f"Служба «{service}» ответила ошибкой {response.status_code}. Повторите через "
                "минуту; если не проходит — сообщите оператору системы."
            )
        if response.status_code >= 400:
            problem: dict[str, Any] = {}
            if response.headers.get("content-type", "").startswith("application/problem+json"):
                problem = response.json()
            detail = str(
                problem.get("detail") or f"Отказ службы «{service}» ({response.status_code})."
            )
            raise Refused(detail, status=response.status_code, problem=problem)
        return response

    async def get_json(self, service: str, path: str, **params: Any) -> Any:
        return (await self.call(service, "GET", path, params=params or None)).json()


class Backends:
    """An HTTP client per service and the signer of the portal's tokens."""

    def __init__(
        self,
        clients: Mapping[str, httpx.AsyncClient],
        issuer: Callable[[], TokenIssuer],
        token_ttl: dt.timedelta,
    ) -> None:
        self.clients = dict(clients)
        self._make_issuer = issuer
        self.token_ttl = token_ttl

    async def public_json(self, service: str, path: str) -> Any:
        """A route the service opens to everyone (no token): the olympiad's public page."""
        try:
            response = await self.clients[service].get(path)
        except httpx.HTTPError as exc:
            raise Unavailable(
                f"Служба «{service}» не отвечает ({type(exc).__name__}). Обновите страницу позже."
            ) from exc
        if response.status_code >= 400:
            raise Refused(
                f"Сведения службы «{service}» недоступны ({response.status_code}).",
                status=response.status_code,
            )
        return response.json()

    @functools.cached_property
    def issuer(self) -> TokenIssuer:
        """Loaded at the first call, so a portal without its key starts and says so in /readyz."""
        return self._make_issuer()

    async def signing_check(self) -> str:
        try:
            self.issuer  # noqa: B018 (loads the key)
        except (OSError, ValueError) as exc:
            return f"unavailable: the signing key cannot be read ({type(exc).__name__})"
        return "ok"

    @classmethod
    def over_http(
        cls, urls: Mapping[str, str], issuer: Callable[[], TokenIssuer], token_ttl: dt.timedelta
    ) -> Backends:
        clients = {
            service: httpx.AsyncClient(base_url=url, timeout=httpx.Timeout(15.0, connect=3.0))
            for service, url in urls.items()
        }
        return cls(clients, issuer, token_ttl)

    def caller(self, login: str, name: str, grant: Grant) -> Caller:
        return Caller(login, name, grant, self)

    # a part of the service (Service(lifecycles=...)): the connections close when it stops
    name = "portal-backends"

    async def start(self, tasks: asyncio.TaskGroup) -> None:
        return None

    async def stop(self) -> None:
        for client in self.clients.values():
            await client.aclose()
