"""Settings of the registration service (environment prefix OLYMP_REGISTRATION_, then OLYMP_)."""

from olymp_core.settings import ServiceSettings, service_config


class RegistrationSettings(ServiceSettings):
    model_config = service_config("registration")

    service_name: str = "registration"
