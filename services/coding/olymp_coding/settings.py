"""Settings of the coding service (environment prefix OLYMP_CODING_, then OLYMP_).

The page links' secret is `link_secret` (`OLYMP_CODING_LINK_SECRET`), with the rule every service
that signs links shares (`SignedLinkSettings`).
"""

from pathlib import Path

from pydantic import Field, field_validator

from olymp_coding.domain import CodingError, normalise_prefix
from olymp_core.links import SignedLinkSettings
from olymp_core.settings import service_config


class CodingSettings(SignedLinkSettings):
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

    @field_validator("code_prefix")
    @classmethod
    def _valid_prefix(cls, value: str) -> str:
        # A bad prefix must stop the service at start, not fail every check-in later; pydantic
        # reports only a ValueError as a settings error.
        try:
            return normalise_prefix(value)
        except CodingError as error:
            raise ValueError(error.detail) from None
