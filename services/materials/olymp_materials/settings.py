"""Settings of the materials service (environment prefix OLYMP_MATERIALS_, then OLYMP_).

One code base, two roles. The regional `hub` takes uploads, seals keys and serves the feed over TLS
gRPC; a municipal `mirror` subscribes to its hub with a token bound to its municipality, pins the
hub's public signing key and serves the released packages to its own officials.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator

from olymp_core.settings import ServiceSettings, service_config
from olymp_materials.domain import (
    development_master_key,
    development_signing_seed,
    parse_master_key,
    public_key_b64,
    signing_key_from_seed,
)


class MaterialsSettings(ServiceSettings):
    model_config = service_config("materials")

    service_name: str = "materials"
    role: Literal["hub", "mirror"] = "hub"
    # base64 of 32 bytes (OLYMP_MATERIALS_MASTER_KEY); seals every package key and password at rest
    master_key: SecretStr | None = None
    # how often due packages are looked for; the release timer also wakes at the next instant itself
    release_poll_interval_s: float = 5.0
    # the feed's gRPC port (0: a free one); TLS when both files are given
    feed_port: int = 0
    tls_cert_file: Path | None = None
    tls_key_file: Path | None = None
    # hub: package fetches streamed at once (each holds about one 1 MiB chunk); others wait
    feed_max_fetches: int = Field(default=16, gt=0)
    # hub: base64 Ed25519 seed that signs manifests; municipalities expected to confirm receipt
    signing_key: SecretStr | None = None
    municipalities: list[str] = Field(default_factory=list)
    receipt_late_after_min: int = 30
    # hub: a municipality whose mirror has not acknowledged a key this long after the package's
    # instant counts in olymp_materials_keys_undelivered (the operator's alert)
    key_delivery_late_after_s: int = Field(default=60, gt=0)
    # hub: the largest package a coordinator may push (its HTTP body limit); below the feed's
    # 512 MiB gRPC message limit
    max_package_bytes: int = Field(default=256 << 20, gt=0)
    # hub: what checking a password archive at push may unpack, and for how long (zip bombs)
    archive_max_unpacked_mb: int = Field(default=2048, gt=0)
    archive_check_budget_s: float = Field(default=60.0, gt=0)
    # mirror: where the hub is, who we are, how we prove it, and whom we trust
    hub_grpc: str = ""
    municipality_id: str = ""
    hub_token: SecretStr | None = None
    hub_public_key: str = ""
    tls_root_cert_file: Path | None = None
    # the name in the hub's certificate when hub_grpc is an address (tests, private networks)
    tls_server_name: str | None = None
    reconnect_max_s: float = 5.0
    # mirror: failed fetches of one announced package before it is reported and skipped
    fetch_attempts: int = Field(default=5, gt=0)

    @model_validator(mode="after")
    def _check_keys(self) -> MaterialsSettings:
        if self.master_key is not None:
            parse_master_key(self.master_key.get_secret_value())
        elif self.profile == "prod":
            raise ValueError(
                "materials: no master key in profile 'prod'; set OLYMP_MATERIALS_MASTER_KEY to the "
                "base64 of 32 random bytes (e.g. `openssl rand -base64 32`)"
            )
        if self.role == "hub" and self.signing_key is None and self.profile == "prod":
            raise ValueError("materials hub: set OLYMP_MATERIALS_SIGNING_KEY (base64 Ed25519 seed)")
        if (
            self.role == "hub"
            and self.profile == "prod"
            and not (self.tls_cert_file and self.tls_key_file)
        ):
            # mirrors send their tokens and receive the keys over the feed
            raise ValueError(
                "materials hub: the feed is served over TLS only in profile 'prod'; set "
                "OLYMP_MATERIALS_TLS_CERT_FILE and OLYMP_MATERIALS_TLS_KEY_FILE"
            )
        if self.role == "mirror":
            missing = [
                name
                for name in ("hub_grpc", "municipality_id", "hub_public_key")
                if not getattr(self, name)
            ]
            if self.hub_token is None:
                missing.append("hub_token")
            if missing:
                raise ValueError(f"materials mirror: set {', '.join(missing)}")
        if self.profile == "prod" and (self.tls_root_cert_file is None and self.role == "mirror"):
            raise ValueError("materials mirror: the hub is reached over TLS only in profile 'prod'")
        return self

    def master_key_bytes(self) -> bytes:
        if self.master_key is None:
            return development_master_key(self.service_name)
        return parse_master_key(self.master_key.get_secret_value())

    def signing_seed(self) -> str:
        if self.signing_key is None:
            return development_signing_seed(self.service_name)
        return self.signing_key.get_secret_value()

    def hub_public_key_b64(self) -> str:
        """The key mirrors pin (what `olymp materials status` and the hub's docs print)."""
        return public_key_b64(signing_key_from_seed(self.signing_seed()))
