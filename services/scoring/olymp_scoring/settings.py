"""Settings of the scoring service (environment prefix OLYMP_SCORING_, then OLYMP_)."""

from pydantic import Field

from olymp_core.settings import ServiceSettings, service_config


class ScoringSettings(ServiceSettings):
    model_config = service_config("scoring")

    service_name: str = "scoring"
    # how long a work the marking queue gave a jury member stays theirs (OLYMP_SCORING_CLAIM_MINUTES):
    # long enough to mark one work, short enough that a work left open on a closed laptop goes back
    # to the queue the same morning
    claim_minutes: int = Field(default=20, ge=1, le=24 * 60)
