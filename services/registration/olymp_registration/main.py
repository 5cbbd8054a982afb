"""Composition root of the registration service."""

from olymp_core.clock import Clock
from olymp_core.service import Runtime, Service
from olymp_registration import api, consumers
from olymp_registration.settings import RegistrationSettings


def build(settings: RegistrationSettings | None = None, *, clock: Clock | None = None) -> Service:
    runtime = Runtime(settings or RegistrationSettings(), clock)
    return Service(
        name="registration",
        runtime=runtime,
        routers=[api.router],
        subscriptions=consumers.subscriptions(runtime),
        produces=["registration"],
    )
