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
    # the largest results file of a testing system taken in one upload
    # (OLYMP_SCORING_MAX_RESULTS_FILE_BYTES): a grade's standings are a few hundred rows, tens of KB
    max_results_file_bytes: int = Field(default=8 * 1024 * 1024, ge=1024, le=256 * 1024 * 1024)
