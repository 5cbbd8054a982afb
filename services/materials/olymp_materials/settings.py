"""Settings of the materials service (environment prefix OLYMP_MATERIALS_, then OLYMP_)."""

from olymp_core.settings import ServiceSettings, service_config


class MaterialsSettings(ServiceSettings):
    model_config = service_config("materials")

    service_name: str = "materials"
