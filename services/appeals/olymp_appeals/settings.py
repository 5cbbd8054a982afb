"""Settings of the appeals service (environment prefix OLYMP_APPEALS_, then OLYMP_)."""

from olymp_core.settings import ServiceSettings, service_config


class AppealsSettings(ServiceSettings):
    model_config = service_config("appeals")

    service_name: str = "appeals"
