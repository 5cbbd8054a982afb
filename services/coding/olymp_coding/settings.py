"""Settings of the coding service (environment prefix OLYMP_CODING_, then OLYMP_)."""

import secrets
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator

from olymp_coding.domain import normalise_prefix
from olymp_core.settings import ServiceSettings, service_config


class CodingSettings(ServiceSettings):
    model_config = service_config("coding")

    service_name: str = "coding"
    # Signs the sweeper's service token for registration's gRPC; without it calls carry no token.
    auth_local_private_key_file: Path | None = None
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
    # Signs the service's own page links; unset outside prod, a random per-process key is used
    # (links then die with the process, which short-lived links may).
    page_link_secret: SecretStr | None = None

    @field_validator("code_prefix")
    @classmethod
    def _valid_prefix(cls, value: str) -> str:
        # A bad prefix must stop the service at start, not fail every check-in later.
        return normalise_prefix(value)

    @model_validator(mode="after")
    def _page_link_key(self) -> "CodingSettings":
        if self.page_link_secret is None:
            if self.profile == "prod":
                raise ValueError(
                    "coding: set OLYMP_CODING_PAGE_LINK_SECRET (at least 32 random characters) "
                    "so that page links are signed with a key every replica shares"
                )
            self.page_link_secret = SecretStr(secrets.token_urlsafe(32))
        elif len(self.page_link_secret.get_secret_value()) < 32:
            raise ValueError("coding: page_link_secret must be at least 32 characters")
        return self
