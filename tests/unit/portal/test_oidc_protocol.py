"""The code flow's rules without a provider: PKCE, the authorization address, the ID token's
claims, the discovery document, the provider's keys, and the settings that switch OIDC on."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import ValidationError

from olymp_core.clock import ManualClock
from olymp_portal.oidc.clients import Discovery, OidcUnavailable, ProviderKeys
from olymp_portal.oidc.domain import (
    OidcRefused,
    authorization_url,
    check_id_token_claims,
    identity_of,
    new_secret,
    pkce_challenge,
    same_secret,
)
from olymp_portal.settings import PortalSettings

NOW = dt.datetime(2026, 11, 20, 7, 30, tzinfo=dt.UTC)
ISSUER = "https://sso.region.example/realms/olymp"


def test_the_s256_challenge_is_rfc_7636s_own_example() -> None:
    # RFC 7636, Appendix B
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_secrets_are_long_enough_for_a_verifier_and_never_repeat() -> None:
    made = {new_secret() for _ in range(200)}
    assert len(made) == 200
    # a PKCE verifier is 43 to 128 unreserved characters (RFC 7636 §4.1)
    assert all(43 <= len(value) <= 128 and value.isascii() for value in made)
    assert all(
        set(value) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for value in made
    )


def test_the_authorization_address_asks_for_a_code_with_the_challenge_not_the_verifier() -> None:
    url = authorization_url(
        f"{ISSUER}/protocol/openid-connect/auth?kc_idp_hint=region",
        client_id="olymp-portal",
        redirect_url="https://portal.example/login/oidc/callback",
        scopes="openid profile",
        state="the-state",
        nonce="the-nonce",
        verifier="the-verifier-" + "x" * 40,
    )
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.path == "/realms/olymp/protocol/openid-connect/auth"
    assert query == {
        "kc_idp_hint": ["region"],  # the provider's own parameter is kept
        "response_type": ["code"],
        "client_id": ["olymp-portal"],
        "redirect_uri": ["https://portal.example/login/oidc/callback"],
        "scope": ["openid profile"],
        "state": ["the-state"],
        "nonce": ["the-nonce"],
        "code_challenge": [pkce_challenge("the-verifier-" + "x" * 40)],
        "code_challenge_method": ["S256"],
    }
    assert "the-verifier" not in url


def claims(**changes: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "4f1c",
        "aud": "olymp-portal",
        "iat": int(NOW.timestamp()) - 5,
        "exp": int(NOW.timestamp()) + 300,
        "nonce": "the-nonce",
    }
    found.update(changes)
    return {key: value for key, value in found.items() if value is not None}


def refusal_of(token_claims: dict[str, Any], now: dt.datetime = NOW) -> str | None:
    try:
        check_id_token_claims(token_claims, client_id="olymp-portal", nonce="the-nonce", now=now)
    except OidcRefused as refused:
        return refused.reason
    return None


def test_a_fresh_token_for_this_sign_in_holds() -> None:
    assert refusal_of(claims()) is None
    assert refusal_of(claims(aud=["olymp-portal"])) is None
    assert refusal_of(claims(aud=["olymp-portal", "other"], azp="olymp-portal")) is None


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"nonce": "another"}, "id-token-nonce"),
        ({"nonce": None}, "id-token-nonce"),
        ({"nonce": ["the-nonce"]}, "id-token-nonce"),
        ({"nonce": "ёлка"}, "id-token-nonce"),  # any letters: refused, never a failed page
        ({"aud": ["olymp-portal", "other"]}, "id-token-azp"),  # several audiences need azp
        ({"azp": "other"}, "id-token-azp"),
        ({"exp": None}, "id-token-times"),
        ({"iat": "вчера"}, "id-token-times"),
    ],
)
def test_a_token_not_for_this_sign_in_is_refused(changes: dict[str, Any], reason: str) -> None:
    assert refusal_of(claims(**changes)) == reason


def test_times_allow_a_minute_of_clock_difference_and_no_more() -> None:
    exp = NOW.timestamp() + 300
    assert refusal_of(claims(), NOW + dt.timedelta(seconds=359)) is None
    assert (
        refusal_of(
            claims(exp=exp), dt.datetime.fromtimestamp(exp, dt.UTC) + dt.timedelta(seconds=61)
        )
        == "id-token-expired"
    )
    future = int((NOW + dt.timedelta(seconds=90)).timestamp())
    assert refusal_of(claims(iat=future, exp=future + 300)) == "id-token-future"
    # a token kept from an earlier sign-in is not a proof of this one, however long it lives
    old = int((NOW - dt.timedelta(minutes=12)).timestamp())
    assert refusal_of(claims(iat=old, exp=old + 3600)) == "id-token-expired"


def test_an_email_names_a_person_only_once_verified() -> None:
    assert identity_of({"email": "a@b.example", "email_verified": True}, "email") == "a@b.example"
    for verified in (False, "true", None):
        with pytest.raises(OidcRefused) as refused:
            identity_of({"email": "a@b.example", "email_verified": verified}, "email")
        assert refused.value.reason == "email-unverified"
    with pytest.raises(OidcRefused, match="не сообщила «preferred_username»"):
        identity_of({"sub": "x"}, "preferred_username")
    assert identity_of({"preferred_username": "ivanova"}, "preferred_username") == "ivanova"


def test_secrets_compare_whatever_was_sent() -> None:
    assert same_secret("abc", "abc")
    assert not same_secret("abd", "abc")
    assert not same_secret("", "")
    assert not same_secret(None, "abc")
    assert not same_secret(123, "123")


def document(**changes: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "issuer": ISSUER,
        "authorization_endpoint": f"{ISSUER}/protocol/openid-connect/auth",
        "token_endpoint": f"{ISSUER}/protocol/openid-connect/token",
        "jwks_uri": f"{ISSUER}/protocol/openid-connect/certs",
        "end_session_endpoint": f"{ISSUER}/protocol/openid-connect/logout",
        "code_challenge_methods_supported": ["plain", "S256"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_basic"],
    }
    found.update(changes)
    return {key: value for key, value in found.items() if value is not None}


def test_the_discovery_document_is_read_with_the_client_authentication_it_allows() -> None:
    read = Discovery.read(document(), issuer=ISSUER, has_secret=True)
    assert read.token_endpoint.endswith("/token") and read.client_auth == "client_secret_basic"
    assert read.end_session_endpoint is not None
    post_only = document(token_endpoint_auth_methods_supported=["client_secret_post"])
    assert Discovery.read(post_only, issuer=ISSUER, has_secret=True).client_auth == (
        "client_secret_post"
    )
    assert Discovery.read(document(), issuer=ISSUER, has_secret=False).client_auth == "none"
    # a provider naming no methods means HTTP Basic (RFC 6749, OIDC Discovery's default)
    silent = document(token_endpoint_auth_methods_supported=None, end_session_endpoint=None)
    read = Discovery.read(silent, issuer=ISSUER, has_secret=True)
    assert read.client_auth == "client_secret_basic" and read.end_session_endpoint is None


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"issuer": ISSUER + "/"}, "должен совпадать до знака"),
        ({"issuer": "https://evil.example"}, "называет себя «https://evil.example»"),
        ({"jwks_uri": None}, "нет «jwks_uri»"),
        ({"token_endpoint": "http://sso.region.example/token"}, "без HTTPS"),
        ({"code_challenge_methods_supported": ["plain"]}, "PKCE с S256"),
    ],
)
def test_a_discovery_document_that_cannot_be_trusted_stops_the_sign_in(
    changes: dict[str, Any], says: str
) -> None:
    with pytest.raises(OidcUnavailable, match=says):
        Discovery.read(document(**changes), issuer=ISSUER, has_secret=True)


def settings(**values: Any) -> PortalSettings:
    return PortalSettings(database_url="postgresql+asyncpg://x@h/d", **values)


def test_oidc_is_off_until_an_issuer_is_set_and_then_needs_a_client() -> None:
    assert not settings().oidc_enabled
    assert settings(oidc_issuer=ISSUER, oidc_client_id="olymp-portal").oidc_enabled
    with pytest.raises(ValidationError, match="without oidc_client_id"):
        settings(oidc_issuer=ISSUER)
    with pytest.raises(ValidationError, match="must include 'openid'"):
        settings(oidc_issuer=ISSUER, oidc_client_id="c", oidc_scopes="profile email")
    with pytest.raises(ValidationError, match="nobody could sign in"):
        settings(password_sign_in=False)
    with pytest.raises(ValidationError, match="absolute http"):
        settings(oidc_issuer="sso.region.example", oidc_client_id="c")


def test_profile_prod_wants_the_provider_and_the_callback_over_https() -> None:
    prod: dict[str, Any] = {
        "profile": "prod",
        "database_url": "postgresql+asyncpg://portal:s3cret@db/olymp_portal",
        "amqp_url": "amqps://portal:s3cret@broker:5671/",
        "cookie_secure": True,
        "oidc_client_id": "olymp-portal",
    }
    good = {
        **prod,
        "oidc_issuer": ISSUER,
        "oidc_redirect_url": "https://portal.example/login/oidc/callback",
    }
    assert PortalSettings(**good).oidc_enabled
    with pytest.raises(ValidationError, match="oidc_issuer must be an https"):
        PortalSettings(**{**good, "oidc_issuer": "http://sso.region.example/realms/olymp"})
    with pytest.raises(ValidationError, match="set oidc_redirect_url"):
        PortalSettings(**{**prod, "oidc_issuer": ISSUER})
    with pytest.raises(ValidationError, match="set oidc_redirect_url"):
        PortalSettings(**{**good, "oidc_redirect_url": "http://portal.example/login/oidc/callback"})


def jwks_of(*kids: str) -> dict[str, Any]:
    keys = []
    for kid in kids:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
        keys.append({**public, "kid": kid, "use": "sig", "alg": "RS256"})
    return {"keys": keys}


async def test_the_providers_keys_follow_a_rotation_but_not_a_flood_of_made_up_kids() -> None:
    clock = ManualClock(NOW)
    published = {"document": jwks_of("k1")}
    fetched: list[dt.datetime] = []

    async def fetch(url: str) -> dict[str, Any]:
        fetched.append(clock.now())
        return published["document"]

    keys = ProviderKeys("https://sso.example/certs", clock, fetch)
    assert (await keys.key_for("k1")) is not None
    assert len(fetched) == 1
    for made_up in ("x1", "x2", "x3"):  # within 30 s of the last fetch: no more requests
        assert await keys.key_for(made_up) is None
    assert len(fetched) == 1
    published["document"] = jwks_of("k2")  # the provider rotates its key
    clock.advance(dt.timedelta(seconds=31))
    assert (await keys.key_for("k2")) is not None and len(fetched) == 2
    clock.advance(dt.timedelta(minutes=10))  # kept ten minutes, then read again
    await keys.key_for("k2")
    assert len(fetched) == 3


async def test_symmetric_keys_in_a_jwks_are_never_used() -> None:
    async def fetch(url: str) -> dict[str, Any]:
        return {"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "hs", "alg": "HS256"}]}

    with pytest.raises(OidcUnavailable, match="ключи службы входа"):
        await ProviderKeys("https://sso.example/certs", ManualClock(NOW), fetch).key_for("hs")
