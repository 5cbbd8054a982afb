"""Typed settings from the environment, one prefix per service (`OLYMP_SCORING_DATABASE_URL`, ...).

The defaults make the quick start work on a developer machine (`dev`) and in tests (`test`); `prod` refuses
the well-known default secrets, so a production deployment cannot start with guest/guest or minioadmin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

KNOWN_DEFAULT_SECRETS = ("guest:guest@", "minioadmin:minioadmin@", "olymp:olymp@")

SERVICE_PORTS: dict[str, tuple[int, int]] = {
    # service: (HTTP port, gRPC port) of the single-machine layout
    "registration": (8101, 50101),
    "materials": (8102, 50102),
    "coding": (8103, 50103),
    "scoring": (8104, 50104),
    "appeals": (8105, 50105),
    "publishing": (8106, 50106),
}
SERVICES = tuple(SERVICE_PORTS)


class ServiceSettings(BaseSettings):
    """Settings every service has. Subclasses set `service_name` and the env prefix."""

    # a refused setting must not echo the environment (tokens, keys) into the start-up error
    model_config = SettingsConfigDict(extra="ignore", hide_input_in_errors=True)

    service_name: str = "service"
    profile: Literal["dev", "test", "prod"] = "dev"
    database_url: str = ""
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    storage_url: str = "file:.olymp/storage"
    http_host: str = "127.0.0.1"
    http_port: int = 0
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 0
    log_level: str = "INFO"
    auth_issuer: str = "olymp-local"
    auth_audience: str = "olymp"
    auth_local_public_key_file: Path | None = Path(".olymp/keys/auth-ed25519.pub.pem")
    auth_jwks_url: str | None = None
    # prefix for this instance's consumer queues: lets test runs share a broker without sharing queues
    queue_prefix: str = ""
    sweep_interval_s: float = 60.0
    outbox_poll_interval_s: float = 1.0
    # where other services answer gRPC (host:port), for synchronous queries
    registration_grpc: str = "127.0.0.1:50101"

    @model_validator(mode="after")
    def _fill_defaults(self) -> ServiceSettings:
        name = self.service_name
        if not self.database_url:
            self.database_url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/olymp_{name}"
        if name in SERVICE_PORTS:
            http, grpc = SERVICE_PORTS[name]
            self.http_port = self.http_port or http
            self.grpc_port = self.grpc_port or grpc
        return self

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> ServiceSettings:
        if self.profile != "prod":
            return self
        for url in (self.database_url, self.amqp_url, self.storage_url):
            for secret in KNOWN_DEFAULT_SECRETS:
                if secret in url:
                    host = urlsplit(url).hostname
                    raise ValueError(
                        f"{self.service_name}: a well-known default credential is configured for "
                        f"{host} in profile {self.profile!r}; set a real secret in the environment"
                    )
        for name, url in (("database_url", self.database_url), ("amqp_url", self.amqp_url)):
            if not urlsplit(url).password:
                # no password in the URL means the server's defaults (trust auth, guest/guest)
                raise ValueError(
                    f"{self.service_name}: {name} has no password in profile {self.profile!r}; "
                    "set a URL with the service's own credentials"
                )
        if self.auth_jwks_url is None and self.auth_local_public_key_file is None:
            raise ValueError(
                f"{self.service_name}: no token verification configured; set "
                f"OLYMP_{self.service_name.upper()}_AUTH_JWKS_URL (OIDC provider) or a local public key"
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # the service's own prefix wins over the shared OLYMP_* one (e.g. OLYMP_PROFILE for all)
        shared = EnvSettingsSource(settings_cls, env_prefix="OLYMP_")
        return (init_settings, env_settings, shared, dotenv_settings, file_secret_settings)


def service_config(service: str) -> SettingsConfigDict:
    """Settings of `service` read `OLYMP_<SERVICE>_*`, then the shared `OLYMP_*` (e.g. OLYMP_PROFILE)."""
    return SettingsConfigDict(
        env_prefix=f"OLYMP_{service.upper()}_", extra="ignore", hide_input_in_errors=True
    )
