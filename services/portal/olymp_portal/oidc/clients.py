"""The OIDC provider as the portal talks to it: discovery, the token endpoint, the ID token's keys.

One HTTP client for all of it (the CA bundle of `SSL_CERT_FILE`, short timeouts). The discovery
document is kept for an hour; after a failure the last one stands a minute more. The keys follow
the rules of the services' JWKS cache: kept ten minutes, fetched again when a token names an
unknown `kid` (the provider's key rotation just works) but at most every 30 s whatever the tokens
claim, and only asymmetric keys of the suite's algorithms.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote_plus, urlencode, urlsplit

import httpx
import jwt

from olymp_core.auth.verifier import ACCEPTED_ALGORITHMS
from olymp_core.clock import Clock
from olymp_portal.clients import Unavailable
from olymp_portal.oidc.domain import (
    ASK_OPERATOR,
    START_AGAIN,
    OidcRefused,
    authorization_url,
    check_id_token_claims,
)
from olymp_portal.settings import PortalSettings

log = logging.getLogger("olymp.portal.oidc")

DISCOVERY_TTL = dt.timedelta(hours=1)
# after a failed discovery the last document stands this long before the next try
DISCOVERY_RETRY = dt.timedelta(minutes=1)
ClientAuth = Literal["client_secret_basic", "client_secret_post", "none"]


class OidcUnavailable(Unavailable):
    """The provider cannot be reached or answers nonsense: nothing the person can fix."""

    title = "Служба входа недоступна"


@dataclass(frozen=True)
class Discovery:
    """What the portal uses of the provider's /.well-known/openid-configuration."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None
    client_auth: ClientAuth

    @classmethod
    def read(cls, document: Mapping[str, Any], *, issuer: str, has_secret: bool) -> Discovery:
        """The document checked against the configured issuer (OIDC Discovery §4.3)."""
        if document.get("issuer") != issuer:
            raise OidcUnavailable(
                f"Служба входа называет себя «{document.get('issuer')}», а портал настроен на "
                f"«{issuer}». Оператору системы: исправьте OLYMP_PORTAL_OIDC_ISSUER (адрес "
                "должен совпадать до знака, включая косую черту в конце)."
            )
        endpoints: dict[str, str] = {}
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            value = document.get(name)
            if not isinstance(value, str) or not value:
                raise OidcUnavailable(
                    f"В описании службы входа нет «{name}». Оператору системы: проверьте, что "
                    "OLYMP_PORTAL_OIDC_ISSUER указывает на службу OpenID Connect."
                )
            # a provider reached over HTTPS must not send the codes or keys elsewhere in plaintext
            if urlsplit(issuer).scheme == "https" and urlsplit(value).scheme != "https":
                raise OidcUnavailable(
                    f"Служба входа указывает «{name}» без HTTPS ({value}). Оператору системы: "
                    "исправьте адреса в настройках службы входа."
                )
            endpoints[name] = value
        methods = document.get("code_challenge_methods_supported")
        if isinstance(methods, list) and "S256" not in methods:
            raise OidcUnavailable(
                "Служба входа не поддерживает PKCE с S256, без которого код входа можно "
                "перехватить. Оператору системы: включите PKCE (S256) для клиента портала."
            )
        end_session = document.get("end_session_endpoint")
        return cls(
            issuer=issuer,
            end_session_endpoint=end_session if isinstance(end_session, str) else None,
            client_auth=_client_auth(document, has_secret),
            **endpoints,
        )


def _client_auth(document: Mapping[str, Any], has_secret: bool) -> ClientAuth:
    if not has_secret:
        return "none"
    supported = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    # HTTP Basic is the default of RFC 6749 and of OIDC when the provider names nothing
    return "client_secret_post" if "client_secret_basic" not in supported else "client_secret_basic"


@dataclass(frozen=True)
class SigningKey:
    key: Any
    algorithm: str


class ProviderKeys:
    """The provider's signing keys from its JWKS, by `kid`."""

    TTL = dt.timedelta(minutes=10)
    MIN_REFETCH = dt.timedelta(seconds=30)

    def __init__(
        self, url: str, clock: Clock, fetch: Callable[[str], Awaitable[Mapping[str, Any]]]
    ) -> None:
        self.url = url
        self._clock = clock
        self._fetch = fetch
        self._keys: dict[str | None, SigningKey] = {}
        self._fetched_at: dt.datetime | None = None
        self._tried_at: dt.datetime | None = None
        self._lock = asyncio.Lock()

    async def key_for(self, kid: str | None) -> SigningKey | None:
        """The key, or None when the provider publishes none of that `kid`."""
        now = self._clock.now()
        if self._fetched_at is None or now - self._fetched_at >= self.TTL:
            await self._refresh()
        found = self._find(kid)
        if found is None and (self._tried_at is None or now - self._tried_at >= self.MIN_REFETCH):
            await self._refresh()
            found = self._find(kid)
        return found

    def _find(self, kid: str | None) -> SigningKey | None:
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        async with self._lock:
            now = self._clock.now()
            self._tried_at = now
            try:
                self._keys = _signing_keys(await self._fetch(self.url))
                self._fetched_at = now
            except (httpx.HTTPError, ValueError, TypeError, KeyError) as exc:
                if not self._keys:
                    raise OidcUnavailable(
                        "Не удалось получить ключи службы входа, поэтому вход нельзя проверить. "
                        "Повторите через минуту. " + ASK_OPERATOR
                    ) from exc
                log.warning("JWKS refresh from %s failed, keeping the keys: %s", self.url, exc)


def _signing_keys(document: Mapping[str, Any]) -> dict[str | None, SigningKey]:
    keys: dict[str | None, SigningKey] = {}
    for jwk in document["keys"]:
        if jwk.get("use", "sig") != "sig":
            continue
        try:
            parsed = jwt.PyJWK(jwk)
        except (jwt.PyJWKError, jwt.InvalidKeyError):
            continue  # a kind of key this portal does not verify with
        # never a symmetric key (kty=oct): anyone reading the JWKS would hold it
        if parsed.algorithm_name in ACCEPTED_ALGORITHMS:
            keys[jwk.get("kid")] = SigningKey(parsed.key, parsed.algorithm_name)
    if not keys:
        raise ValueError("the JWKS holds no usable signing key")
    return keys


class OidcProvider:
    """The configured provider, or none (`enabled` false) when OIDC is off."""

    name = "portal-oidc"  # a part of the service: its connections close when the service stops

    def __init__(
        self,
        settings: PortalSettings,
        clock: Clock,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.http = http or httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=3.0))
        self._discovery: Discovery | None = None
        self._refresh_due: dt.datetime | None = None
        self._keys: ProviderKeys | None = None
        self._lock = asyncio.Lock()

    @property
    def enabled(self) -> bool:
        return self.settings.oidc_enabled

    @property
    def display_name(self) -> str:
        return self.settings.oidc_display_name

    async def discovery(self) -> Discovery:
        async with self._lock:
            now = self.clock.now()
            if self._discovery is not None and self._refresh_due and now < self._refresh_due:
                return self._discovery
            try:
                found = await self._discover()
            except OidcUnavailable:
                if self._discovery is None:
                    raise
                # the provider answered within the hour: its last description stands a while
                log.warning("OIDC discovery failed, keeping the last document")
                self._refresh_due = now + DISCOVERY_RETRY
                return self._discovery
            if self._keys is None or self._keys.url != found.jwks_uri:
                self._keys = ProviderKeys(found.jwks_uri, self.clock, self._get_json)
            self._discovery, self._refresh_due = found, now + DISCOVERY_TTL
            return found

    async def _discover(self) -> Discovery:
        issuer = self.settings.oidc_issuer
        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            document = await self._get_json(url)
        except (httpx.HTTPError, ValueError) as exc:
            raise OidcUnavailable(
                f"Служба входа не отвечает ({type(exc).__name__}). Войдите позже или по логину "
                "и паролю, если он у вас есть. " + ASK_OPERATOR
            ) from exc
        return Discovery.read(
            document,
            issuer=issuer,
            has_secret=bool(self.settings.oidc_client_secret.get_secret_value()),
        )

    async def _get_json(self, url: str) -> Mapping[str, Any]:
        response = await self.http.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
        if not isinstance(document, dict):
            raise ValueError(f"{url} answered no JSON object")
        return document

    async def authorization_url(
        self, *, state: str, nonce: str, verifier: str, redirect_url: str
    ) -> str:
        found = await self.discovery()
        return authorization_url(
            found.authorization_endpoint,
            client_id=self.settings.oidc_client_id,
            redirect_url=redirect_url,
            scopes=self.settings.oidc_scopes,
            state=state,
            nonce=nonce,
            verifier=verifier,
        )

    async def logout_url(self, post_logout_redirect_url: str) -> str | None:
        """RP-initiated logout at the provider, or None when it offers none."""
        found = await self.discovery()
        if found.end_session_endpoint is None:
            return None
        query = urlencode(
            {
                "client_id": self.settings.oidc_client_id,
                "post_logout_redirect_uri": post_logout_redirect_url,
            }
        )
        separator = "&" if urlsplit(found.end_session_endpoint).query else "?"
        return f"{found.end_session_endpoint}{separator}{query}"

    async def redeem(self, code: str, *, verifier: str, redirect_url: str, next_: str) -> str:
        """The ID token for `code` (RFC 6749 §4.1.3 with RFC 7636's code_verifier)."""
        found = await self.discovery()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_url,
            "code_verifier": verifier,
        }
        client_id = self.settings.oidc_client_id
        secret = self.settings.oidc_client_secret.get_secret_value()
        auth: httpx.BasicAuth | None = None
        if found.client_auth == "client_secret_basic":
            # each form-encoded first (RFC 6749 §2.3.1): the same for the letters and digits
            # providers generate, right for a secret with ':' or '%' in it
            auth = httpx.BasicAuth(quote_plus(client_id), quote_plus(secret))
        else:
            form["client_id"] = client_id
            if found.client_auth == "client_secret_post":
                form["client_secret"] = secret
        try:
            response = await self.http.post(
                found.token_endpoint,
                data=form,
                auth=auth if auth is not None else httpx.USE_CLIENT_DEFAULT,
                headers={"Accept": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise OidcUnavailable(
                f"Служба входа не ответила на обмен кода ({type(exc).__name__}). "
                + START_AGAIN
                + " "
                + ASK_OPERATOR
            ) from exc
        answer = _json_object(response)
        if response.status_code >= 500 or (response.status_code >= 400 and "error" not in answer):
            raise OidcUnavailable(
                f"Служба входа ответила ошибкой {response.status_code} на обмен кода. "
                + START_AGAIN
                + " "
                + ASK_OPERATOR
            )
        if response.status_code >= 400:
            error = str(answer.get("error"))
            description = str(answer.get("error_description") or "")
            raise OidcRefused(
                f"Служба входа не приняла код подтверждения ({error}"
                + (f": {description}" if description else "")
                + "): его могли перехватить, уже использовать, или он устарел. "
                + START_AGAIN
                + " "
                + ASK_OPERATOR,
                reason=f"token-{error}",
                next_=next_,
            )
        id_token = answer.get("id_token")
        if not isinstance(id_token, str) or not id_token:
            raise OidcUnavailable(
                "Служба входа не выдала ID-токен. Оператору системы: проверьте, что клиенту "
                "портала разрешена область «openid»."
            )
        return id_token

    async def verify(self, id_token: str, *, nonce: str, next_: str) -> Mapping[str, Any]:
        """The ID token's claims, once its signature, issuer, audience, times and nonce hold."""
        found = await self.discovery()
        assert self._keys is not None  # set with the discovery
        try:
            header = jwt.get_unverified_header(id_token)
        except jwt.DecodeError as exc:
            raise _damaged(next_) from exc
        kid = header.get("kid")
        key = await self._keys.key_for(kid if isinstance(kid, str) else None)
        if key is None:
            raise _bad_signature(next_, "unknown-key")
        try:
            claims: Mapping[str, Any] = jwt.decode(
                id_token,
                key.key,
                algorithms=[key.algorithm],
                audience=self.settings.oidc_client_id,
                issuer=found.issuer,
                # times are checked against the injected clock, with the nonce, below
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "require": ["iss", "sub", "aud", "exp", "iat"],
                },
            )
        except (jwt.InvalidSignatureError, jwt.InvalidAlgorithmError) as exc:
            raise _bad_signature(next_, "id-token-signature") from exc
        except jwt.InvalidAudienceError as exc:
            raise OidcRefused(
                "Служба входа выдала подтверждение не для портала (другой получатель, aud). "
                + ASK_OPERATOR
                + " (OLYMP_PORTAL_OIDC_CLIENT_ID)",
                reason="id-token-audience",
                next_=next_,
            ) from exc
        except jwt.InvalidIssuerError as exc:
            raise OidcRefused(
                "Подтверждение входа выдано не той службой входа (iss), на которую настроен "
                "портал. " + START_AGAIN + " " + ASK_OPERATOR,
                reason="id-token-issuer",
                next_=next_,
            ) from exc
        except jwt.InvalidTokenError as exc:
            raise _damaged(next_) from exc
        check_id_token_claims(
            claims,
            client_id=self.settings.oidc_client_id,
            nonce=nonce,
            now=self.clock.now(),
            next_=next_,
        )
        return claims

    async def start(self, tasks: asyncio.TaskGroup) -> None:
        return None

    async def stop(self) -> None:
        await self.http.aclose()


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _bad_signature(next_: str, reason: str) -> OidcRefused:
    return OidcRefused(
        "Подпись подтверждения входа не прошла проверку ключами службы входа: его подделали "
        "или изменили по дороге. " + START_AGAIN + " " + ASK_OPERATOR,
        reason=reason,
        next_=next_,
    )


def _damaged(next_: str) -> OidcRefused:
    return OidcRefused(
        "Подтверждение службы входа не читается (ID-токен повреждён). " + START_AGAIN,
        reason="id-token-malformed",
        next_=next_,
    )
