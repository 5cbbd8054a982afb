"""Settings of the staff portal (environment prefix OLYMP_PORTAL_, then OLYMP_)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator

from olymp_core.settings import SERVICE_PORTS, ServiceSettings, service_config

# the services whose APIs the portal calls on behalf of the signed-in person
BACKENDS = ("registration", "coding", "scoring", "appeals", "publishing")


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
    # where the services answer HTTP; empty: the single-machine layout's port
    registration_url: str = ""
    coding_url: str = ""
    scoring_url: str = ""
    appeals_url: str = ""
    publishing_url: str = ""

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
        return self

    def backend_urls(self) -> dict[str, str]:
        return {backend: str(getattr(self, f"{backend}_url")) for backend in BACKENDS}
