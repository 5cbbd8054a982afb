"""Settings of the staff portal (environment prefix OLYMP_PORTAL_, then OLYMP_)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator

from olymp_core.settings import SERVICE_PORTS, ServiceSettings, service_config

# the services whose APIs the portal calls on behalf of the signed-in person
BACKENDS = ("registration", "materials", "coding", "scoring", "appeals", "publishing")


class PortalSettings(ServiceSettings):
    model_config = service_config("portal")

    service_name: str = "portal"
    # the portal signs the suite's tokens for its local accounts (OLYMP_AUTH_LOCAL_PRIVATE_KEY_FILE)
    auth_local_private_key_file: Path = Path(".olymp/keys/auth-ed25519.pem")
    # a token lives a few minutes: a new one is signed for each call, so a stolen one is short-lived
    token_minutes: int = Field(default=10, ge=1, le=60)
    # a session ends after this long without a request, and in any case after session_max_hours
    session_idle_minutes: int = Field(default=60, ge=1)
    session_max_hours: int = Field(default=12, ge=1, le=24)
    # failed sign-ins: after this many for one login within the window, that login waits
    login_max_failures: int = Field(default=5, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
    # from one address, whatever the login (someone trying many logins)
    login_max_failures_per_address: int = Field(default=30, ge=1)
    # the session cookie travels only over HTTPS; required in profile prod
    cookie_secure: bool = False
    # the local accounts' password form; false: people sign in only through the OIDC provider
    password_sign_in: bool = True
    # OpenID Connect sign-in (authorization code + PKCE), off while the issuer is empty. The
    # provider is found by discovery (<issuer>/.well-known/openid-configuration); it proves who
    # the person is, the portal's own account (`olymp user add --oidc-subject`) what they may do.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    # empty: a public client (PKCE alone ties the code to this portal); otherwise a confidential
    # one, the secret sent as the provider's discovery document allows (HTTP Basic preferred)
    oidc_client_secret: SecretStr = SecretStr("")
    # where the provider sends the person back; empty: <the address the portal was reached
    # at>/login/oidc/callback (behind a reverse proxy set it; profile prod requires it)
    oidc_redirect_url: str = ""
    # space-separated, as the provider expects them; "openid" is required
    oidc_scopes: str = "openid profile"
    # the ID token's claim that names a person to the portal: what the operator gives to
    # `olymp user add --oidc-subject`. "sub" is the provider's stable id; a readable login
    # (preferred_username) or a verified e-mail is linked to the sub at the first sign-in.
    oidc_identity_claim: Literal["sub", "preferred_username", "email"] = "sub"
    # «Войти через …» on the sign-in page: the provider as people know it, in the accusative
    # («региональную службу входа», «Госуслуги»)
    oidc_display_name: str = "службу входа"
    # where the services answer HTTP; empty: the single-machine layout's port
    registration_url: str = ""
    # the municipality's mirror (receipts, released packages); the regional portal: the hub (grid)
    materials_url: str = ""
    coding_url: str = ""
    scoring_url: str = ""
    appeals_url: str = ""
    publishing_url: str = ""
    # where the public reads the published results (the olympiad's public page links there);
    # empty: publishing's own address (one machine)
    public_results_url: str = ""

    @model_validator(mode="after")
    def _fill_backends(self) -> PortalSettings:
        for backend in BACKENDS:
            if not getattr(self, f"{backend}_url"):
                setattr(self, f"{backend}_url", f"http://127.0.0.1:{SERVICE_PORTS[backend][0]}")
        if self.profile == "prod" and not self.cookie_secure:
            raise ValueError(
                "portal: cookie_secure must be true in profile 'prod' (serve the portal over "
                "HTTPS; a session cookie sent in plaintext can be taken on the way)"
            )
        self._check_oidc()
        return self

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer)

    def _check_oidc(self) -> None:
        if not self.oidc_enabled:
            if not self.password_sign_in:
                raise ValueError(
                    "portal: password_sign_in is false and no OIDC provider is configured "
                    "(OLYMP_PORTAL_OIDC_ISSUER): nobody could sign in"
                )
            return
        if not self.oidc_client_id:
            raise ValueError(
                "portal: oidc_issuer is set without oidc_client_id; register the portal as a "
                "client at the provider and set OLYMP_PORTAL_OIDC_CLIENT_ID"
            )
        if "openid" not in self.oidc_scopes.split():
            raise ValueError(
                f"portal: oidc_scopes must include 'openid' (got {self.oidc_scopes!r}); "
                "without it the provider issues no ID token"
            )
        for name in ("oidc_issuer", "oidc_redirect_url"):
            url = urlsplit(getattr(self, name))
            if getattr(self, name) and (url.scheme not in ("http", "https") or not url.netloc):
                raise ValueError(f"portal: {name} must be an absolute http(s) URL")
        if self.profile != "prod":
            return
        if urlsplit(self.oidc_issuer).scheme != "https":
            raise ValueError(
                "portal: oidc_issuer must be an https:// URL in profile 'prod' (the provider's "
                "keys and the people's codes would travel in plaintext)"
            )
        if urlsplit(self.oidc_redirect_url).scheme != "https":
            raise ValueError(
                "portal: set oidc_redirect_url to the portal's public https:// address + "
                "/login/oidc/callback in profile 'prod' (as registered at the provider; behind "
                "the reverse proxy the portal cannot tell its own address)"
            )

    def backend_urls(self) -> dict[str, str]:
        return {backend: str(getattr(self, f"{backend}_url")) for backend in BACKENDS}
