"""Calls to other services: registration's list of who was present (gRPC), with a service token.

The token comes from wherever the deployment's tokens come from. Under OIDC — the services verify
tokens against a provider's JWKS and hold no signing key — it is an OAuth2 client-credentials
token from the provider's token endpoint (`OLYMP_CODING_OIDC_TOKEN_URL`, `_CLIENT_ID`,
`_CLIENT_SECRET`). With local keys it is signed here with the local private key. With neither the
repair job cannot call registration at all: `/readyz` reports `registration_token` unavailable
with the reason and every attempt logs it, rather than sending calls without a token that
registration can only refuse.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import grpc
import httpx

from olymp.registration.v1 import registration_pb2, registration_pb2_grpc
from olymp_coding.settings import CodingSettings
from olymp_core.auth import AuthSettings, Role, bearer_metadata
from olymp_core.clock import Clock
from olymp_core.retry import Backoff
from olymp_core.runtime import Runtime

log = logging.getLogger("olymp.coding.clients")

# A token is renewed this long before it expires, so a call never carries one about to lapse.
_RENEW_BEFORE = dt.timedelta(seconds=30)
# What the provider is assumed to grant when its answer gives no `expires_in`.
_DEFAULT_LIFETIME = dt.timedelta(minutes=5)
_TOKEN_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class PresentParticipant:
    participant_id: uuid.UUID
    task_grade: int


PresentParticipants = Callable[[uuid.UUID, str], Awaitable[Sequence[PresentParticipant]]]


class ServiceTokenUnavailable(RuntimeError):
    """No service token could be had; the message says why and what to configure."""


class ServiceTokens:
    """The repair job's bearer token for registration, from the provider or the local key.

    A token from the provider is kept until shortly before it expires. After a failed request the
    next one waits its `Backoff` pause (readiness probes ask often; the provider is not hammered),
    and until then the failure is reported again as it was.
    """

    def __init__(
        self,
        settings: CodingSettings,
        clock: Clock,
        *,
        http: httpx.AsyncClient | None = None,
        backoff: Backoff = Backoff(first=1.0, cap=60.0, jitter=0.5),
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._http = http
        self._backoff = backoff
        self._token: str | None = None
        self._expires_at = dt.datetime.min.replace(tzinfo=dt.UTC)
        self._failures = 0
        self._failure: ServiceTokenUnavailable | None = None
        self._retry_at = dt.datetime.min.replace(tzinfo=dt.UTC)

    @property
    def source(self) -> str:
        if self._settings.oidc_token_url:
            return "oidc"
        if self._settings.auth_local_private_key_file is not None:
            return "local-key"
        return "none"

    async def token(self) -> str:
        """A bearer token with the service role, or ServiceTokenUnavailable saying why not."""
        settings = self._settings
        if settings.oidc_token_url:
            return await self._provider_token()
        if settings.auth_local_private_key_file is not None:
            issuer = AuthSettings(
                issuer=settings.auth_issuer,
                audience=settings.auth_audience,
                local_private_key_file=settings.auth_local_private_key_file,
            ).build_issuer(self._clock)
            return issuer.issue(settings.service_name, [Role.SERVICE])
        if settings.auth_jwks_url:
            raise ServiceTokenUnavailable(
                "tokens are verified against an OIDC provider (auth_jwks_url) and coding holds no "
                "signing key: set OLYMP_CODING_OIDC_TOKEN_URL, OLYMP_CODING_OIDC_CLIENT_ID and "
                "OLYMP_CODING_OIDC_CLIENT_SECRET (a client of the provider whose tokens carry the "
                "service role) so that the repair job can ask registration who was present"
            )
        raise ServiceTokenUnavailable(
            "no way to obtain a service token: set OLYMP_CODING_AUTH_LOCAL_PRIVATE_KEY_FILE "
            "(local keys) or the OIDC client (OLYMP_CODING_OIDC_TOKEN_URL, _CLIENT_ID, "
            "_CLIENT_SECRET) so that the repair job can ask registration who was present"
        )

    async def readiness(self) -> str:
        try:
            await self.token()
        except ServiceTokenUnavailable as exc:
            return f"unavailable: {exc}"
        return "ok"

    async def _provider_token(self) -> str:
        now = self._clock.now()
        if self._token is not None and now < self._expires_at - _RENEW_BEFORE:
            return self._token
        if self._failure is not None and now < self._retry_at:
            raise self._failure
        try:
            token, lifetime = await self._request()
        except ServiceTokenUnavailable as failure:
            self._failures += 1
            self._failure = failure
            pause = self._backoff.pause(self._failures)
            self._retry_at = now + dt.timedelta(seconds=pause)
            log.error(
                "no service token from the OIDC provider",
                extra={"error": str(failure), "retry_in_s": round(pause, 1)},
            )
            raise
        self._token, self._expires_at = token, now + lifetime
        self._failures, self._failure = 0, None
        return token

    async def _request(self) -> tuple[str, dt.timedelta]:
        settings = self._settings
        assert settings.oidc_token_url and settings.oidc_client_id
        assert settings.oidc_client_secret is not None
        form = {"grant_type": "client_credentials"}
        if settings.oidc_scope:
            form["scope"] = settings.oidc_scope
        # client_secret_basic: the client authentication every OAuth2 server must accept (RFC 6749
        # §2.3.1); the secret never appears in a log line or an error
        auth = httpx.BasicAuth(
            settings.oidc_client_id, settings.oidc_client_secret.get_secret_value()
        )
        url = settings.oidc_token_url
        http = self._http or httpx.AsyncClient(timeout=_TOKEN_TIMEOUT_S)
        try:
            response = await http.post(url, data=form, auth=auth)
        except httpx.HTTPError as exc:
            raise ServiceTokenUnavailable(
                f"the OIDC token endpoint {url} did not answer ({type(exc).__name__})"
            ) from None
        finally:
            if self._http is None:
                await http.aclose()
        if response.status_code != 200:
            raise ServiceTokenUnavailable(
                f"the OIDC token endpoint {url} refused client {settings.oidc_client_id!r}: HTTP "
                f"{response.status_code} {_oauth_error(response)}"
            )
        try:
            body = response.json()
            token = body["access_token"]
            lifetime = dt.timedelta(seconds=float(body.get("expires_in") or 0))
        except (ValueError, KeyError, TypeError):
            raise ServiceTokenUnavailable(
                f"the OIDC token endpoint {url} answered without an access_token"
            ) from None
        if not isinstance(token, str) or not token:
            raise ServiceTokenUnavailable(f"the OIDC token endpoint {url} gave an empty token")
        return token, lifetime if lifetime > dt.timedelta(0) else _DEFAULT_LIFETIME


def _oauth_error(response: httpx.Response) -> str:
    """The provider's `error` code (RFC 6749 §5.2), never the whole body (it may echo input)."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return ""
    return str(error)[:100] if error else ""


def registration_client(
    runtime: Runtime[CodingSettings], tokens: ServiceTokens | None = None
) -> PresentParticipants:
    """Asks registration's `ListPresentParticipants` with the service token from `tokens`; the
    token source is registered as the `registration_token` readiness check."""
    settings = runtime.settings
    tokens = tokens or ServiceTokens(settings, runtime.clock)
    runtime.checks["registration_token"] = tokens.readiness
    if tokens.source == "none":
        log.error("coding cannot obtain a service token for registration; see /readyz")
    interceptors = runtime.tracing.grpc_client_interceptors()

    async def present(olympiad_id: uuid.UUID, subject_code: str) -> list[PresentParticipant]:
        metadata = bearer_metadata(await tokens.token())
        async with grpc.aio.insecure_channel(
            settings.registration_grpc, interceptors=interceptors
        ) as channel:
            stub = registration_pb2_grpc.RegistrationServiceStub(channel)
            response = await stub.ListPresentParticipants(
                registration_pb2.ListPresentParticipantsRequest(
                    olympiad_id=str(olympiad_id), subject_code=subject_code
                ),
                metadata=metadata,
                timeout=settings.registration_grpc_timeout_s,
            )
        participants = []
        for item in response.participants:
            try:
                participant_id = uuid.UUID(item.participant_id)
            except ValueError:
                log.warning("registration sent an invalid participant id; skipped")
                continue
            participants.append(PresentParticipant(participant_id, int(item.task_grade)))
        return participants

    return present
