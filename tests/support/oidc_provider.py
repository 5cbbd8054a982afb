"""A small OpenID Connect provider for the portal's tests, served over real HTTP on a free port.

It does what a provider must for the authorization code flow with PKCE, and checks what a strict
one checks: the client and its registered redirect address, a code used once, the client's
secret, and the `code_verifier` against the S256 challenge of the authorization (computed here,
not borrowed from the portal). Whoever opens /authorize is signed in as `person` at once.

The tests make it misbehave on purpose: `id_token_changes` alters the claims of the ID tokens it
issues (another nonce, audience, issuer, an expired one), `signing` signs them with a key it does
not publish, `deny` answers an authorization with `access_denied`. `refusals` lists why it refused
token requests, so a test can tell the provider's check from the portal's.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote_plus, urlencode

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from olymp_core.clock import Clock
from olymp_core.testing.events import eventually

Signing = Literal["own", "unpublished-key-same-kid", "unpublished-key"]


@dataclass
class Authorization:
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str | None
    claims: dict[str, Any]
    used: bool = False


@dataclass
class OpenIdProvider:
    clock: Clock
    client_id: str
    client_secret: str
    redirect_uris: set[str]
    post_logout_redirect_uris: set[str]
    issuer: str = ""  # known once serving
    person: dict[str, Any] = field(default_factory=dict)  # sub and the claims of who signs in
    id_token_changes: dict[str, Any] = field(default_factory=dict)
    signing: Signing = "own"
    deny: bool = False
    refusals: list[str] = field(default_factory=list)
    redeemed: list[str] = field(default_factory=list)  # the codes exchanged, in order
    logouts: int = 0
    _codes: dict[str, Authorization] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.kid = "test-key-1"
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._unpublished = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def reset(self) -> None:
        """Back to a well-behaved provider (each test starts from it)."""
        self.id_token_changes = {}
        self.signing = "own"
        self.deny = False
        self.refusals.clear()

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery),
                Route("/jwks", self.jwks),
                Route("/authorize", self.authorize),
                Route("/token", self.token, methods=["POST"]),
                Route("/logout", self.logout),
            ]
        )

    async def discovery(self, request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "end_session_endpoint": f"{self.issuer}/logout",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            }
        )

    async def jwks(self, request: Request) -> Response:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return JSONResponse({"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]})

    async def authorize(self, request: Request) -> Response:
        query = request.query_params
        # an unknown client or redirect address is never redirected to (an open redirector)
        if query.get("client_id") != self.client_id:
            return PlainTextResponse("unknown client", status_code=400)
        redirect_uri = query.get("redirect_uri", "")
        if redirect_uri not in self.redirect_uris:
            return PlainTextResponse("redirect_uri not registered", status_code=400)
        state = query.get("state", "")
        error = None
        if query.get("response_type") != "code" or "openid" not in query.get("scope", "").split():
            error = "invalid_request"
        elif query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            error = "invalid_request"  # PKCE required, S256 only, as a careful provider has it
        elif self.deny:
            error = "access_denied"
        if error is not None:
            return RedirectResponse(
                f"{redirect_uri}?{urlencode({'error': error, 'state': state})}", status_code=303
            )
        code = secrets.token_urlsafe(24)
        self._codes[code] = Authorization(
            client_id=self.client_id,
            redirect_uri=redirect_uri,
            challenge=query["code_challenge"],
            nonce=query.get("nonce"),
            claims=dict(self.person),
        )
        return RedirectResponse(
            f"{redirect_uri}?{urlencode({'code': code, 'state': state})}", status_code=303
        )

    async def token(self, request: Request) -> Response:
        if not self._client_authenticated(request):
            return self._refuse("invalid_client", "client authentication failed", status=401)
        form = await request.form()
        if form.get("grant_type") != "authorization_code":
            return self._refuse("unsupported_grant_type", "only authorization_code")
        granted = self._codes.get(str(form.get("code", "")))
        if granted is None:
            return self._refuse("invalid_grant", "unknown code")
        if granted.used:
            return self._refuse("invalid_grant", "code already used")
        granted.used = True
        if form.get("redirect_uri") != granted.redirect_uri:
            return self._refuse("invalid_grant", "redirect_uri differs")
        verifier = str(form.get("code_verifier", ""))
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != granted.challenge:
            return self._refuse("invalid_grant", "code_verifier does not match the challenge")
        self.redeemed.append(str(form["code"]))
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(24),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self.id_token(granted),
            },
            headers={"Cache-Control": "no-store"},
        )

    async def logout(self, request: Request) -> Response:
        back = request.query_params.get("post_logout_redirect_uri", "")
        if request.query_params.get("client_id") != self.client_id:
            return PlainTextResponse("unknown client", status_code=400)
        if back not in self.post_logout_redirect_uris:
            return PlainTextResponse("post_logout_redirect_uri not registered", status_code=400)
        self.logouts += 1
        return RedirectResponse(back, status_code=303)

    def id_token(self, granted: Authorization) -> str:
        now = self.clock.now()
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": granted.client_id,
            "iat": int(now.timestamp()),
            "exp": int((now + dt.timedelta(minutes=5)).timestamp()),
            "auth_time": int(now.timestamp()),
            **granted.claims,
        }
        if granted.nonce is not None:
            claims["nonce"] = granted.nonce
        claims.update(self.id_token_changes)
        key = self._key if self.signing == "own" else self._unpublished
        kid = "test-key-2" if self.signing == "unpublished-key" else self.kid
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})

    def _client_authenticated(self, request: Request) -> bool:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            client_id, _, secret = base64.b64decode(encoded).decode("ascii").partition(":")
        except ValueError:
            return False
        # each part form-encoded before joining (RFC 6749 §2.3.1)
        return unquote_plus(client_id) == self.client_id and secrets.compare_digest(
            unquote_plus(secret).encode(), self.client_secret.encode()
        )

    def _refuse(self, error: str, description: str, *, status: int = 400) -> Response:
        self.refusals.append(description)
        return JSONResponse({"error": error, "error_description": description}, status_code=status)


@asynccontextmanager
async def running_provider(
    clock: Clock,
    *,
    client_id: str,
    client_secret: str,
    redirect_uris: set[str],
    post_logout_redirect_uris: set[str],
) -> AsyncIterator[OpenIdProvider]:
    """The provider on a free loopback port of this event loop, for the block."""
    provider = OpenIdProvider(
        clock, client_id, client_secret, redirect_uris, post_logout_redirect_uris
    )
    server = uvicorn.Server(
        uvicorn.Config(
            provider.app(),
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="off",
            access_log=False,
        )
    )
    serving = asyncio.create_task(server.serve())

    async def started() -> bool:
        if serving.done():
            serving.result()  # a failed start raises here rather than after the deadline
        return server.started

    await eventually(started)
    port = server.servers[0].sockets[0].getsockname()[1]
    provider.issuer = f"http://127.0.0.1:{port}"
    try:
        yield provider
    finally:
        server.should_exit = True
        await serving
