"""Settings of the coding service (environment prefix OLYMP_CODING_, then OLYMP_)."""

from pathlib import Path

from pydantic import field_validator

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

    @field_validator("code_prefix")
    @classmethod
    def _valid_prefix(cls, value: str) -> str:
        # A bad prefix must stop the service at start, not fail every check-in later.
        return normalise_prefix(value)
