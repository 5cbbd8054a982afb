"""Settings of the registration service (environment prefix OLYMP_REGISTRATION_, then OLYMP_)."""

from olymp_core.links import SignedLinkSettings
from olymp_core.settings import service_config


class RegistrationSettings(SignedLinkSettings):
    """Playback links of room video in the local store are signed with `link_secret`
    (OLYMP_REGISTRATION_LINK_SECRET): required in prod, where every replica must share it."""

    model_config = service_config("registration")

    service_name: str = "registration"
    # A district's application is a few thousand rows; a larger upload is a mistake, not a file.
    max_import_bytes: int = 20 * 1024 * 1024

    # Room video (§21). Parts of 8 MiB keep a 4-hour recording well under S3's 10 000 parts.
    video_part_size: int = 8 * 1024 * 1024
    # Packing the answer sheets in the presence of the last participant follows the round's end;
    # the schedule does not say how long it takes, so the region sets it.
    video_packing_minutes: int = 30
    video_max_gap_s: int = 60
    video_clock_tolerance_s: int = 3600
    # Default retention after the round's end, per olympiad overridable: one year covers the
    # appeals and the regional stage's checks of the municipal results.
    video_retention_days: int = 365
    # Retention is counted in days: a pass an hour deletes a recording on the day it expires.
    video_retention_interval_s: float = 3600.0
    video_link_ttl_s: int = 600
