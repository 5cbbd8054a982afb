"""Settings of the registration service (environment prefix OLYMP_REGISTRATION_, then OLYMP_)."""

from pydantic import Field

from olymp_core.links import SignedLinkSettings
from olymp_core.settings import service_config


class RegistrationSettings(SignedLinkSettings):
    """Playback links of room video in the local store are signed with `link_secret`
    (OLYMP_REGISTRATION_LINK_SECRET): required in prod, where every replica must share it."""

    model_config = service_config("registration")

    service_name: str = "registration"
    # The municipality an olympiad is created for when its body names none and the organiser's
    # token is not scoped to exactly one (OLYMP_REGISTRATION_MUNICIPALITY_ID or
    # OLYMP_MUNICIPALITY_ID); empty: such an olympiad belongs to no municipality, and only
    # callers unrestricted on municipality reach it.
    municipality_id: str = ""
    # A district's application is a few thousand rows; a larger upload is a mistake, not a file.
    max_import_bytes: int = 20 * 1024 * 1024
    # Reading such a file takes about a second; a file that takes far longer was built to be slow.
    import_parse_seconds: float = 30.0

    # Room video (§21). Parts of 8 MiB keep a 4-hour recording well under S3's 10 000 parts.
    video_part_size: int = 8 * 1024 * 1024
    # The largest recording a room produces: a 5-hour round with packing, at the high bitrate of a
    # 4K camera (~25 Mbit/s), is ~60 GB. An upload is also held to S3's 10,000 parts of
    # `video_part_size` (80 GB at 8 MiB), whichever is smaller.
    video_max_bytes: int = 64 * 1024**3
    # Signed part links handed out per request; the client asks for the next page as it goes.
    video_part_links_per_page: int = Field(default=100, ge=1, le=1000)
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
