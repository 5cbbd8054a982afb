"""Settings of the scoring service (environment prefix OLYMP_SCORING_, then OLYMP_)."""

from olymp_core.settings import ServiceSettings, service_config


class ScoringSettings(ServiceSettings):
    model_config = service_config("scoring")

    service_name: str = "scoring"
