"""Settings of the coding service (environment prefix OLYMP_CODING_, then OLYMP_).

The page links' secret is `link_secret` (`OLYMP_CODING_LINK_SECRET`), with the rule every service
that signs links shares (`SignedLinkSettings`).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator

from olymp_coding.domain import CodingError, normalise_prefix
from olymp_core.links import SignedLinkSettings
from olymp_core.settings import service_config


class CodingSettings(SignedLinkSettings):
    model_config = service_config("coding")

    service_name: str = "coding"
    # Where the repair job's service token for registration's gRPC comes from: under OIDC (keys
    # from a JWKS) the provider's token endpoint with OAuth2 client credentials; with local keys,
    # signed here with the local private key. With neither, /readyz says so and the job logs it.
    auth_local_private_key_file: Path | None = None
    oidc_token_url: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_scope: str | None = None  # some providers want one for client credentials
    # Written before each work code (at most four characters of the code alphabet), or none.
    code_prefix: str = ""
    registration_grpc_timeout_s: float = 10.0
    # Threads that split uploads and read labels (CPU-bound work kept off the event loop).
    scan_workers: int = Field(default=2, ge=1, le=64)
    # Pages of one upload examined at once: bounds memory on a 300-page PDF.
    scan_window: int = Field(default=4, ge=1, le=64)
    # §21: works are kept at least a year.
    scan_retention_years: int = Field(default=1, ge=1)
    page_link_ttl_s: int = Field(default=300, ge=10, le=3600)

    @model_validator(mode="after")
    def _whole_oidc_client(self) -> CodingSettings:
        given = {
            "OLYMP_CODING_OIDC_TOKEN_URL": self.oidc_token_url,
            "OLYMP_CODING_OIDC_CLIENT_ID": self.oidc_client_id,
            "OLYMP_CODING_OIDC_CLIENT_SECRET": self.oidc_client_secret,
        }
        missing = [name for name, value in given.items() if not value]
        if missing and len(missing) < len(given):
            raise ValueError(f"coding: the OIDC client is incomplete, set {', '.join(missing)}")
        url = self.oidc_token_url
        if url and self.profile == "prod" and urlsplit(url).scheme != "https":
            raise ValueError(
                "coding: oidc_token_url must be an https:// URL in profile 'prod' (the client "
                "secret and the token travel over it)"
            )
        return self

    @field_validator("code_prefix")
    @classmethod
    def _valid_prefix(cls, value: str) -> str:
        # A bad prefix must stop the service at start, not fail every check-in later; pydantic
        # reports only a ValueError as a settings error.
        try:
            return normalise_prefix(value)
        except CodingError as error:
            raise ValueError(error.detail) from None
