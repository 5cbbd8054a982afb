"""Settings of the appeals service (environment prefix OLYMP_APPEALS_, then OLYMP_)."""

from typing import Any

from pydantic import Field

from olymp_core.settings import ServiceSettings, service_config


class AppealsSettings(ServiceSettings):
    model_config = service_config("appeals")

    service_name: str = "appeals"
    # Years and regional holidays the built-in production calendar lacks, as JSON, e.g.
    # OLYMP_APPEALS_CALENDAR_OVERRIDES='{"2027": {"days_off": ["2027-01-09"], "source": "..."}}'
    calendar_overrides: dict[str, dict[str, Any]] = Field(default_factory=dict)
