"""Composition root of the registration service."""

from functools import partial

from olymp_core.clock import Clock
from olymp_core.service import Runtime, Service
from olymp_registration import api, api_video, consumers, grpc_server, sweeper
from olymp_registration.settings import RegistrationSettings


def build(settings: RegistrationSettings | None = None, *, clock: Clock | None = None) -> Service:
    runtime = Runtime(settings or RegistrationSettings(), clock)
    return Service(
        name="registration",
        runtime=runtime,
        routers=[api.router, api_video.router],
        subscriptions=consumers.subscriptions(runtime),
        sweep_jobs=sweeper.sweep_jobs(runtime),
        grpc_services=[partial(grpc_server.register, uows=runtime.uows)],
        grpc_policies=grpc_server.POLICIES,
        produces=["registration"],
        description=(
            "Olympiads, the participants application, day-of check-in and removals, room video."
        ),
    )
