"""Verifying bearer tokens against a local public key or an OIDC provider's JWKS.

`TokenVerifier.verify` is a coroutine: with a JWKS it may fetch keys (httpx, cached for a TTL and
fetched again once when a token names an unknown `kid`, so a provider's key rotation just works).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import httpx
import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from olymp_core.auth.model import Principal, Role, ScopeKind
from olymp_core.clock import Clock, SystemClock
from olymp_core.problems import Problem, Unauthorized

log = logging.getLogger(__name__)

ACCESS_TOKEN_TYPES = {"bearer", "at+jwt", "application/at+jwt", "jwt"}
ACCEPTED_ALGORITHMS = frozenset({"EdDSA", "RS256", "ES256"})
JwksFetch = Callable[[str], Awaitable[Mapping[str, Any]]]

_ROLE_VALUES = frozenset(role.value for role in Role)
_SCOPE_VALUES = frozenset(kind.value for kind in ScopeKind)
_GET_NEW = "Получите новый токен (команда «olymp token issue» или служба входа региона)."


@dataclass(frozen=True)
class VerificationKey:
    key: Any
    algorithm: str


class KeySource(Protocol):
    async def key_for(self, kid: str | None) -> VerificationKey: ...


class AuthUnavailable(Problem):
    status = 503
    type_ = "auth-unavailable"
    title = "Проверка входа временно недоступна"


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer ...` value; None when there is no header."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            "Заголовок Authorization должен иметь вид «Bearer <токен>»: "
            "передайте токен доступа в этом формате.",
            reason="malformed",
        )
    return token.strip()


class TokenVerifier:
    """Checks signature, issuer, audience and lifetime; yields the caller as a Principal."""

    def __init__(
        self,
        keys: KeySource,
        *,
        issuer: str,
        audience: str,
        clock: Clock | None = None,
        leeway: timedelta = timedelta(seconds=30),
    ) -> None:
        self._keys = keys
        self.issuer = issuer
        self.audience = audience
        self._clock = clock or SystemClock()
        self._leeway = leeway

    @classmethod
    def from_public_key_pem(
        cls, pem: bytes | str, *, issuer: str, audience: str, clock: Clock | None = None
    ) -> TokenVerifier:
        key = load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
        return cls(StaticKey(key), issuer=issuer, audience=audience, clock=clock)

    @classmethod
    def from_jwks_url(
        cls,
        url: str,
        *,
        issuer: str,
        audience: str,
        clock: Clock | None = None,
        fetch: JwksFetch | None = None,
    ) -> TokenVerifier:
        clock = clock or SystemClock()
        keys = JwksKeys(url, clock=clock, fetch=fetch or fetch_jwks)
        return cls(keys, issuer=issuer, audience=audience, clock=clock)

    async def verify(self, token: str | None) -> Principal:
        if not token:
            raise Unauthorized(
                "Не передан токен доступа: добавьте заголовок «Authorization: Bearer <токен>». "
                + _GET_NEW,
                reason="missing",
            )
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError as exc:
            raise _malformed("его не удалось прочитать") from exc
        algorithm = header.get("alg")
        if algorithm not in ACCEPTED_ALGORITHMS:
            raise _malformed(f"алгоритм подписи «{algorithm}» не принимается")
        kid = header.get("kid")
        key = await self._keys.key_for(kid if isinstance(kid, str) else None)
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[key.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                # Lifetime is checked below against the injected clock, not the process clock.
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "require": ["sub", "iss", "aud", "iat", "exp"],
                },
            )
        except (jwt.InvalidSignatureError, jwt.InvalidAlgorithmError) as exc:
            raise Unauthorized(
                "Подпись токена не прошла проверку: токен изменён или подписан чужим ключом. "
                + _GET_NEW,
                reason="bad-signature",
            ) from exc
        except jwt.InvalidAudienceError as exc:
            raise Unauthorized(
                f"Токен выдан для другой системы, а здесь ожидается получатель «{self.audience}». "
                "Получите токен для этой установки.",
                reason="wrong-audience",
            ) from exc
        except jwt.InvalidIssuerError as exc:
            raise Unauthorized(
                f"Токен выдан не тем издателем: здесь принимаются токены «{self.issuer}». "
                "Получите токен у службы входа этой установки.",
                reason="wrong-issuer",
            ) from exc
        except jwt.MissingRequiredClaimError as exc:
            raise _malformed(f"в нём нет обязательного поля «{exc.claim}»") from exc
        except jwt.InvalidTokenError as exc:
            raise _malformed("его содержимое не читается") from exc
        self._check_lifetime(claims)
        # an OIDC provider also signs ID tokens for the same audience; only access tokens admit
        token_type = claims.get("typ", header.get("typ"))
        if isinstance(token_type, str) and token_type.lower() not in ACCESS_TOKEN_TYPES:
            raise Unauthorized(
                f"Передан токен типа «{token_type}», а нужен токен доступа (Bearer). " + _GET_NEW,
                reason="wrong-token-type",
            )
        return principal_from_claims(claims)

    def _check_lifetime(self, claims: Mapping[str, Any]) -> None:
        now = self._clock.now()
        try:
            expires = datetime.fromtimestamp(claims["exp"], UTC)
            valid_from = max(
                datetime.fromtimestamp(claims["iat"], UTC),
                datetime.fromtimestamp(claims.get("nbf", 0), UTC),
            )
        except (TypeError, ValueError, OverflowError) as exc:
            raise _malformed("поля exp/iat/nbf не являются временем") from exc
        if now > expires + self._leeway:
            raise Unauthorized(
                f"Срок действия токена истёк {expires:%d.%m.%Y %H:%M} UTC. " + _GET_NEW,
                reason="expired",
            )
        if valid_from > now + self._leeway:
            raise Unauthorized(
                f"Токен начинает действовать только {valid_from:%d.%m.%Y %H:%M} UTC: проверьте часы "
                "на сервере, выдавшем токен, или дождитесь этого времени.",
                reason="not-yet-valid",
            )


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    """Our claims (`roles`, `scopes`), or Keycloak's `realm_access.roles` when `roles` is absent."""
    raw_roles = claims.get("roles")
    if raw_roles is None:
        realm_access = claims.get("realm_access")
        raw_roles = realm_access.get("roles", []) if isinstance(realm_access, dict) else []
    raw_scopes = claims.get("scopes", {})
    if not isinstance(raw_roles, list) or not isinstance(raw_scopes, dict):
        raise _malformed("поля roles/scopes имеют неверный вид")
    # Providers add roles of their own (offline_access, ...): they grant nothing here.
    roles = frozenset(Role(role) for role in raw_roles if str(role) in _ROLE_VALUES)
    scopes: dict[ScopeKind, frozenset[str]] = {}
    for kind, values in raw_scopes.items():
        if kind not in _SCOPE_VALUES:
            continue
        values = [values] if isinstance(values, str) else values
        if not isinstance(values, list):
            raise _malformed(f"область «{kind}» задана не списком")
        scopes[ScopeKind(kind)] = frozenset(str(value) for value in values)
    name = claims.get("name")
    return Principal(
        subject=str(claims["sub"]),
        roles=roles,
        scopes=scopes,
        name=name if isinstance(name, str) else None,
    )


def _malformed(what: str) -> Unauthorized:
    return Unauthorized(
        f"Токен повреждён: {what}. Скопируйте токен целиком, без пробелов и переносов строк, "
        "или получите новый.",
        reason="malformed",
    )


class StaticKey:
    """The one Ed25519 public key of a local installation, whatever `kid` a token names."""

    def __init__(self, public_key: Any) -> None:
        self._key = VerificationKey(public_key, "EdDSA")

    async def key_for(self, kid: str | None) -> VerificationKey:
        return self._key


async def fetch_jwks(url: str) -> Mapping[str, Any]:
    async with httpx.AsyncClient(timeout=10.0) as client:
        response = await client.get(url)
        response.raise_for_status()
        document: Mapping[str, Any] = response.json()
        return document


class JwksKeys:
    """Signing keys of an OIDC provider, cached for `cache_ttl`.

    An unknown `kid` triggers one early refetch, at most once per `min_refetch_interval`, so a flood
    of tokens with made-up key ids cannot turn into a flood of requests to the provider.
    """

    def __init__(
        self,
        url: str,
        *,
        clock: Clock,
        fetch: JwksFetch = fetch_jwks,
        cache_ttl: timedelta = timedelta(minutes=10),
        min_refetch_interval: timedelta = timedelta(seconds=30),
    ) -> None:
        self.url = url
        self._clock = clock
        self._fetch = fetch
        self._ttl = cache_ttl
        self._min_interval = min_refetch_interval
        self._keys: dict[str | None, VerificationKey] = {}
        self._last_attempt: datetime | None = None
        self._refresh_due: datetime | None = None
        self._lock = asyncio.Lock()

    async def key_for(self, kid: str | None) -> VerificationKey:
        if self._refresh_due is None or self._clock.now() >= self._refresh_due:
            await self._refresh(lambda now: self._refresh_due is None or now >= self._refresh_due)
        key = self._find(kid)
        if key is None:
            await self._refresh(self._may_refetch_early)
            key = self._find(kid)
        if key is None:
            raise Unauthorized(
                f"Токен подписан неизвестным ключом (kid={kid}). " + _GET_NEW,
                reason="unknown-key",
            )
        return key

    def _may_refetch_early(self, now: datetime) -> bool:
        return self._last_attempt is None or now - self._last_attempt >= self._min_interval

    def _find(self, kid: str | None) -> VerificationKey | None:
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        return self._keys.get(kid)

    async def _refresh(self, needed: Callable[[datetime], bool]) -> None:
        async with self._lock:
            # Another request may have refreshed while this one waited for the lock.
            now = self._clock.now()
            if not needed(now):
                return
            self._last_attempt = now
            try:
                document = await self._fetch(self.url)
                self._keys = _parse_jwks(document)
                self._refresh_due = now + self._ttl
            except (httpx.HTTPError, ValueError, TypeError, KeyError) as exc:
                self._refresh_due = now + self._min_interval
                if not self._keys:
                    raise AuthUnavailable(
                        "Не удалось получить ключи службы входа, поэтому токен нельзя проверить. "
                        "Повторите запрос через минуту; если ошибка не уходит, сообщите "
                        "администратору системы.",
                    ) from exc
                log.warning("JWKS refresh from %s failed, keeping cached keys: %s", self.url, exc)


def _parse_jwks(document: Mapping[str, Any]) -> dict[str | None, VerificationKey]:
    keys: dict[str | None, VerificationKey] = {}
    for jwk in document["keys"]:
        if jwk.get("use", "sig") != "sig":
            continue
        try:
            parsed = jwt.PyJWK(jwk)
        except (jwt.PyJWKError, jwt.InvalidKeyError):
            log.info("skipping unsupported JWKS key kid=%s kty=%s", jwk.get("kid"), jwk.get("kty"))
            continue
        # Symmetric keys (kty=oct) never verify here: anyone holding the JWKS would hold them.
        if parsed.algorithm_name in ACCEPTED_ALGORITHMS:
            keys[jwk.get("kid")] = VerificationKey(parsed.key, parsed.algorithm_name)
    if not keys:
        raise ValueError("the JWKS holds no usable signing key")
    return keys
