"""Settings of the materials service (environment prefix OLYMP_MATERIALS_, then OLYMP_)."""

from __future__ import annotations

from pydantic import SecretStr, model_validator

from olymp_core.settings import ServiceSettings, service_config
from olymp_materials.domain import development_master_key, parse_master_key


class MaterialsSettings(ServiceSettings):
    model_config = service_config("materials")

    service_name: str = "materials"
    # base64 of 32 bytes (OLYMP_MATERIALS_MASTER_KEY); seals every package key and password at rest
    master_key: SecretStr | None = None
    # how often due packages are looked for; a release is late by at most this much
    release_poll_interval_s: float = 5.0

    @model_validator(mode="after")
    def _check_master_key(self) -> MaterialsSettings:
        if self.master_key is not None:
            parse_master_key(self.master_key.get_secret_value())
        elif self.profile == "prod":
            raise ValueError(
                "materials: no master key in profile 'prod'; set OLYMP_MATERIALS_MASTER_KEY to the "
                "base64 of 32 random bytes (e.g. `openssl rand -base64 32`)"
            )
        return self

    def master_key_bytes(self) -> bytes:
        if self.master_key is None:
            return development_master_key(self.service_name)
        return parse_master_key(self.master_key.get_secret_value())
