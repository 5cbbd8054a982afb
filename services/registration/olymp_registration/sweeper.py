"""Scheduled work of the registration service: room video whose retention ended is deleted.

The store's own lifecycle rules are not used for this: they delete silently, so the index would
point at missing files and no deletion would reach the audit trail. This job is the one place
recordings disappear, and each deletion is audited.
"""

from olymp_core.events import SweepJob
from olymp_core.service import Runtime
from olymp_registration.handlers.video import VideoContext
from olymp_registration.handlers.video_access import sweep_expired
from olymp_registration.settings import RegistrationSettings


def sweep_jobs(runtime: Runtime) -> list[SweepJob]:
    settings = runtime.settings
    if not isinstance(settings, RegistrationSettings):
        raise RuntimeError("the registration service runs with RegistrationSettings")
    context = VideoContext(runtime.store, settings)

    async def expire_video() -> int:
        return await sweep_expired(runtime.uows, context)

    return [SweepJob("video-retention", expire_video)]
