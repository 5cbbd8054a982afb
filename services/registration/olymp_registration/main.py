"""Composition root of the registration service."""

from olymp_core.clock import Clock
from olymp_core.runtime import Runtime
from olymp_core.service import Service
from olymp_registration import api, grpc_api
from olymp_registration.observers import api as observers_api
from olymp_registration.seating import api as seating_api
from olymp_registration.settings import RegistrationSettings
from olymp_registration.setup import api as setup_api
from olymp_registration.venue_day import api as venue_day_api
from olymp_registration.video import api as video_api
from olymp_registration.video import background as video_background
from olymp_registration.video.handlers import VideoContext


def build(
    settings: RegistrationSettings | None = None, *, clock: Clock | None = None
) -> Service[RegistrationSettings]:
    runtime = Runtime(settings or RegistrationSettings(), clock)
    video = VideoContext.of(runtime.objects, runtime.settings)
    return Service(
        name="registration",
        runtime=runtime,
        description=(
            "Olympiads, the participants application, seating, day-of check-in and removals, "
            "room video, public observers, the set-up's rounds and commissions."
        ),
        routers=[
            api.router,
            seating_api.router,
            venue_day_api.router,
            video_api.router,
            observers_api.router,
            setup_api.router,
        ],
        errors={
            **api.ERRORS,
            **seating_api.ERRORS,
            **venue_day_api.ERRORS,
            **video_api.ERRORS,
            **observers_api.ERRORS,
            **setup_api.ERRORS,
        },
        grpc=grpc_api.grpc_api(runtime.uows),
        contexts=[video],
        lifecycles=[video_background.retention(runtime.uows, video)],
    )
