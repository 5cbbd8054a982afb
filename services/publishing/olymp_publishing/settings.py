"""Settings of the publishing service (environment prefix OLYMP_PUBLISHING_, then OLYMP_)."""

from olymp_core.settings import ServiceSettings, service_config


class PublishingSettings(ServiceSettings):
    model_config = service_config("publishing")

    service_name: str = "publishing"
