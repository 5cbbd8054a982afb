"""Settings of the coding service (environment prefix OLYMP_CODING_, then OLYMP_)."""

from olymp_core.settings import ServiceSettings, service_config


class CodingSettings(ServiceSettings):
    model_config = service_config("coding")

    service_name: str = "coding"
