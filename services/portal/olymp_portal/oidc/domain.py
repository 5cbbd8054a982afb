"""The rules of the code flow with PKCE, without I/O: secrets, addresses and ID token claims.

The refusals say what went wrong in words a jury member can act on; `reason` is the short name
kept in the audit trail.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from olymp_portal.domain.errors import SignInRefused

# the person has this long at the provider (typing a password, a second factor) before the
# authorization is forgotten and they start again
PENDING_FOR = dt.timedelta(minutes=10)
# the portal's and the provider's clocks may differ by this much
CLOCK_LEEWAY = dt.timedelta(seconds=60)
# an ID token must be fresh: issued for this sign-in, not kept from an earlier one
MAX_ID_TOKEN_AGE = dt.timedelta(minutes=10)
# authorizations under way from one address: a jury room behind one NAT starts dozens at 08:00;
# a script starting thousands would fill the table
MAX_PENDING_PER_ADDRESS = 200

START_AGAIN = "Начните вход заново: «Войти через …» на странице входа."
ASK_OPERATOR = "Если повторяется — сообщите оператору системы."


class OidcRefused(SignInRefused):
    """A sign-in through the provider refused; the sign-in page says why and what to do."""

    title = "Вход через службу входа не выполнен"

    def __init__(self, detail: str, *, reason: str, next_: str = "/", identity: str = "") -> None:
        super().__init__(detail, next_=next_)
        self.reason = reason
        self.identity = identity


def new_secret() -> str:
    """A state, a nonce or a PKCE verifier: 256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def pkce_challenge(verifier: str) -> str:
    """S256 of RFC 7636 §4.2: BASE64URL(SHA256(ASCII(verifier))) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def state_key(state: str) -> str:
    """What the table keeps of a state: its hash, so a copy of the table answers no callback."""
    return hashlib.sha256(state.encode()).hexdigest()


def same_secret(sent: object, expected: str | None) -> bool:
    """Equal in constant time; whatever was sent (a claim may be any JSON, any letters)."""
    if not isinstance(sent, str) or not sent or not expected:
        return False
    return hmac.compare_digest(sent.encode(), expected.encode())


def authorization_url(
    endpoint: str,
    *,
    client_id: str,
    redirect_url: str,
    scopes: str,
    state: str,
    nonce: str,
    verifier: str,
) -> str:
    """The provider's authorization endpoint with the request of a code flow with PKCE."""
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_url,
            "scope": scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": pkce_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    return f"{endpoint}{'&' if urlsplit(endpoint).query else '?'}{query}"


def check_id_token_claims(
    claims: Mapping[str, Any],
    *,
    client_id: str,
    nonce: str,
    now: dt.datetime,
    next_: str = "/",
) -> None:
    """What OIDC Core §3.1.3.7 asks of an ID token beyond its signature, issuer and audience."""
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else list(audience or [])
    authorized_party = claims.get("azp")
    if (len(audiences) > 1 or authorized_party is not None) and authorized_party != client_id:
        raise OidcRefused(
            "Служба входа выдала подтверждение для другой программы (azp), а не для портала. "
            + START_AGAIN
            + " "
            + ASK_OPERATOR,
            reason="id-token-azp",
            next_=next_,
        )
    try:
        expires = dt.datetime.fromtimestamp(float(claims["exp"]), dt.UTC)
        issued = dt.datetime.fromtimestamp(float(claims["iat"]), dt.UTC)
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise OidcRefused(
            "Подтверждение службы входа повреждено (нет времени выдачи или срока). " + START_AGAIN,
            reason="id-token-times",
            next_=next_,
        ) from exc
    if now > expires + CLOCK_LEEWAY or now - issued > MAX_ID_TOKEN_AGE + CLOCK_LEEWAY:
        raise OidcRefused(
            "Подтверждение службы входа устарело. " + START_AGAIN + " Если повторяется, "
            "проверьте часы этого сервера и службы входа (оператор системы).",
            reason="id-token-expired",
            next_=next_,
        )
    if issued > now + CLOCK_LEEWAY:
        raise OidcRefused(
            "Подтверждение службы входа выдано «в будущем»: часы этого сервера и службы входа "
            "расходятся. Сообщите оператору системы.",
            reason="id-token-future",
            next_=next_,
        )
    if not same_secret(claims.get("nonce"), nonce):
        raise OidcRefused(
            "Подтверждение службы входа относится к другому запросу на вход (nonce не совпал): "
            "его могли подставить. " + START_AGAIN,
            reason="id-token-nonce",
            next_=next_,
        )


def identity_of(claims: Mapping[str, Any], claim: str, *, next_: str = "/") -> str:
    """The value naming the person to the portal; an e-mail counts only once verified."""
    value = claims.get(claim)
    if not isinstance(value, str) or not value:
        raise OidcRefused(
            f"Служба входа не сообщила «{claim}», по которому портал узнаёт человека. Оператору "
            "системы: включите это поле в ID-токен клиента портала или смените "
            "OLYMP_PORTAL_OIDC_IDENTITY_CLAIM.",
            reason="identity-missing",
            next_=next_,
        )
    if claim == "email" and claims.get("email_verified") is not True:
        raise OidcRefused(
            f"Адрес {value} не подтверждён в службе входа, а портал узнаёт людей только по "
            "подтверждённому адресу. Подтвердите его там и войдите снова.",
            reason="email-unverified",
            next_=next_,
            identity=value,
        )
    return value
