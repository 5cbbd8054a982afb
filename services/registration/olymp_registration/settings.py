"""Settings of the registration service (environment prefix OLYMP_REGISTRATION_, then OLYMP_)."""

from olymp_core.settings import ServiceSettings, service_config


class RegistrationSettings(ServiceSettings):
    model_config = service_config("registration")

    service_name: str = "registration"
    # A district's application is a few thousand rows; a larger upload is a mistake, not a file.
    max_import_bytes: int = 20 * 1024 * 1024
