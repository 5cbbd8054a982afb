"""Typed settings from the environment, one prefix per service (`OLYMP_SCORING_DATABASE_URL`, ...).

The defaults make the quick start work on a developer machine (`dev`) and in tests (`test`); `prod` refuses
the well-known default secrets, so a production deployment cannot start with guest/guest or minioadmin,
and refuses plaintext on the network: the broker only over `amqps://`, S3 only with `secure=true`, the
OIDC provider's keys only over `https://`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, urlsplit

from pydantic import Field, model_validator
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
    # the staff portal serves pages only; its gRPC port is reserved, never opened
    "portal": (8107, 50107),
}
SERVICES = tuple(SERVICE_PORTS)


class ServiceSettings(BaseSettings):
    """Settings every service has. Subclasses set `service_name` and the env prefix."""

    # a refused setting must not echo the environment (tokens, keys) into the start-up error
    model_config = SettingsConfigDict(extra="ignore", hide_input_in_errors=True)

    service_name: str = "service"
    profile: Literal["dev", "test", "prod"] = "dev"
    database_url: str = ""
    # connections kept open to the database: a request that finds none free opens an extra one
    # (up to the overflow) and closes it after, ~11 ms of CPU each, so the pool covers the usual
    # concurrency (thirty jury members marking at once) and the overflow only the peaks
    database_pool_size: int = 20
    database_max_overflow: int = 10
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    storage_url: str = "file:.olymp/storage"
    http_host: str = "127.0.0.1"
    http_port: int = 0
    # several processes of one service serve one port (SO_REUSEPORT), the kernel spreading the
    # connections among them: how the scan workers of coding scale out on one machine
    http_reuse_port: bool = False
    grpc_host: str = "127.0.0.1"
    # -1: the service's standard port (SERVICE_PORTS); 0: any free port (the tests' services, so
    # that two alive at once never meet on one port)
    grpc_port: int = -1
    log_level: str = "INFO"
    # OpenTelemetry traces go to this OTLP/HTTP collector (http://otel-collector:4318); unset, and
    # without the standard OTEL_EXPORTER_OTLP_ENDPOINT, nothing is traced (olymp_core.tracing)
    otel_endpoint: str | None = None
    auth_issuer: str = "olymp-local"
    auth_audience: str = "olymp"
    auth_local_public_key_file: Path | None = Path(".olymp/keys/auth-ed25519.pub.pem")
    auth_jwks_url: str | None = None
    # exp - iat of an admitted token (12 h: one working day); a longer-lived token is refused
    auth_max_token_lifetime_s: int = Field(default=12 * 3600, ge=60)
    # the operator's revocation list (`olymp token revoke`), re-read when it changes; none: no list
    auth_revocation_file: Path | None = Path(".olymp/keys/revoked.json")
    # request bodies larger than this are refused before they are read (413), unless the route
    # declares its own limit with `olymp_core.request_limits.body_limit` (uploads)
    max_body_bytes: int = Field(default=1 << 20, ge=1024)
    # prefix for this instance's consumer queues: lets test runs share a broker without sharing queues
    queue_prefix: str = ""
    sweep_interval_s: float = 60.0
    outbox_poll_interval_s: float = 1.0
    # Under load a commit wakes the relay many times a second; passes closer together than this
    # wait for the rest of it and take what committed meanwhile as one batch (one claim, one
    # update). An event alone is never held back: only a pass soon after the previous one waits.
    outbox_linger_s: float = Field(default=0.02, ge=0.0, le=1.0)
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
            if self.grpc_port < 0:
                self.grpc_port = grpc
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
        self._refuse_plaintext()
        return self

    def _refuse_plaintext(self) -> None:
        """In prod every connection that carries secrets or tokens' keys is encrypted."""
        name = self.service_name
        if self.auth_jwks_url is not None and urlsplit(self.auth_jwks_url).scheme != "https":
            raise ValueError(
                f"{name}: auth_jwks_url must be an https:// URL in profile 'prod' (keys fetched "
                "over plain HTTP can be replaced on the way, and with them every token)"
            )
        amqp = urlsplit(self.amqp_url)
        if amqp.scheme != "amqps":
            raise ValueError(
                f"{name}: amqp_url must use amqps:// (TLS) in profile 'prod', not "
                f"{amqp.scheme}://; give the broker a TLS listener (port 5671) and add "
                "?cafile=/path/to/ca.pem when its certificate is from a private CA"
            )
        if dict(parse_qsl(amqp.query)).get("no_verify_ssl", "0") != "0":
            raise ValueError(
                f"{name}: amqp_url turns certificate checks off (no_verify_ssl) in profile 'prod'; "
                "give the broker's CA with ?cafile= instead"
            )
        storage = urlsplit(self.storage_url)
        if storage.scheme in ("http", "https"):
            raise ValueError(
                f"{name}: storage_url must be s3://KEY:SECRET@host:port/bucket?secure=true or "
                f"file:/dir, not {storage.scheme}://"
            )
        if storage.scheme == "s3":
            secure = dict(parse_qsl(storage.query)).get("secure", "false").lower()
            if secure not in ("true", "1"):
                raise ValueError(
                    f"{name}: storage_url must end with ?secure=true (HTTPS to the S3 store) in "
                    f"profile 'prod'; {storage.hostname} would be reached in plaintext"
                )

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
