"""Verifying bearer tokens against a local public key or an OIDC provider's JWKS.

`TokenVerifier.verify` is a coroutine: with a JWKS it may fetch keys (httpx, cached for a TTL and
fetched again once when a token names an unknown `kid`, so a provider's key rotation just works).

What a token must be to admit anyone — anything else is refused, never ignored:
- signed by a known key, for this issuer and audience, an access token, within its lifetime;
- issued for at most `max_lifetime` (exp - iat), so a leaked token cannot stay useful for months;
- not revoked (`RevocationList`: its `jti`, or its subject before an instant);
- with only scope kinds this installation knows: a scope it cannot read must not widen access.
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
from olymp_core.auth.revocation import RevocationList
from olymp_core.clock import Clock, SystemClock
from olymp_core.problems import Problem, Unauthorized

log = logging.getLogger(__name__)

ACCESS_TOKEN_TYPES = {"bearer", "at+jwt", "application/at+jwt", "jwt"}
ACCEPTED_ALGORITHMS = frozenset({"EdDSA", "RS256", "ES256"})
JwksFetch = Callable[[str], Awaitable[Mapping[str, Any]]]

_ROLE_VALUES = frozenset(role.value for role in Role)
_SCOPE_VALUES = frozenset(kind.value for kind in ScopeKind)
_GET_NEW = "Получите новый токен (команда «olymp token issue» или служба входа региона)."
DEFAULT_MAX_LIFETIME = timedelta(hours=12)


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


def missing_token() -> Unauthorized:
    """The refusal of a request that carries no token at all."""
    return Unauthorized(
        "Не передан токен доступа: добавьте заголовок «Authorization: Bearer <токен>». " + _GET_NEW,
        reason="missing",
    )


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
    """Checks signature, issuer, audience, lifetime and revocation; yields the caller."""

    def __init__(
        self,
        keys: KeySource,
        *,
        issuer: str,
        audience: str,
        clock: Clock | None = None,
        leeway: timedelta = timedelta(seconds=30),
        max_lifetime: timedelta = DEFAULT_MAX_LIFETIME,
        revocations: RevocationList | None = None,
    ) -> None:
        if max_lifetime <= timedelta(0):
            raise ValueError(f"the maximum token lifetime must be positive, got {max_lifetime}")
        self._keys = keys
        self.issuer = issuer
        self.audience = audience
        self._clock = clock or SystemClock()
        self._leeway = leeway
        self.max_lifetime = max_lifetime
        self._revocations = revocations

    @classmethod
    def from_public_key_pem(
        cls,
        pem: bytes | str,
        *,
        issuer: str,
        audience: str,
        clock: Clock | None = None,
        max_lifetime: timedelta = DEFAULT_MAX_LIFETIME,
        revocations: RevocationList | None = None,
    ) -> TokenVerifier:
        key = load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
        return cls(
            StaticKey(key),
            issuer=issuer,
            audience=audience,
            clock=clock,
            max_lifetime=max_lifetime,
            revocations=revocations,
        )

    @classmethod
    def from_jwks_url(
        cls,
        url: str,
        *,
        issuer: str,
        audience: str,
        clock: Clock | None = None,
        fetch: JwksFetch | None = None,
        max_lifetime: timedelta = DEFAULT_MAX_LIFETIME,
        revocations: RevocationList | None = None,
    ) -> TokenVerifier:
        clock = clock or SystemClock()
        keys = JwksKeys(url, clock=clock, fetch=fetch or fetch_jwks)
        return cls(
            keys,
            issuer=issuer,
            audience=audience,
            clock=clock,
            max_lifetime=max_lifetime,
            revocations=revocations,
        )

    async def verify(self, token: str | None) -> Principal:
        if not token:
            raise missing_token()
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
        if self._revocations is not None and self._revocations.current().revoked(claims):
            raise Unauthorized(
                "Этот токен отозван администратором системы. Получите новый токен; если вы не "
                "знаете, почему прежний отозван, обратитесь к координатору.",
                reason="revoked",
            )
        return principal_from_claims(claims)

    def _check_lifetime(self, claims: Mapping[str, Any]) -> None:
        now = self._clock.now()
        try:
            expires = datetime.fromtimestamp(claims["exp"], UTC)
            issued = datetime.fromtimestamp(claims["iat"], UTC)
            valid_from = max(issued, datetime.fromtimestamp(claims.get("nbf", 0), UTC))
        except (TypeError, ValueError, OverflowError) as exc:
            raise _malformed("поля exp/iat/nbf не являются временем") from exc
        # exp - iat, not exp - now: a token minted for a year is refused on its first day too
        if expires - issued > self.max_lifetime:
            raise Unauthorized(
                f"Токен выдан на {_duration(expires - issued)}, а здесь принимаются токены "
                f"не длиннее {_duration(self.max_lifetime)}. Получите токен с меньшим сроком "
                "действия (olymp token issue --ttl …) или у службы входа региона.",
                reason="lifetime-too-long",
            )
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
            # Dropping it would make the holder unrestricted in what it meant to restrict.
            raise Unauthorized(
                f"В токене область доступа «{kind}», которой эта система не знает (известны: "
                f"{', '.join(sorted(_SCOPE_VALUES))}). Такой токен не принимается: получите "
                "токен с известными областями у службы входа региона.",
                reason="unknown-scope",
            )
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


def _duration(span: timedelta) -> str:
    hours, seconds = divmod(int(span.total_seconds()), 3600)
    minutes = seconds // 60
    return f"{hours} ч {minutes} мин" if minutes else f"{hours} ч"


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
