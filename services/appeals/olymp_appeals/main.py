"""Composition root of the appeals service."""

from olymp_appeals import api, consumers
from olymp_appeals.settings import AppealsSettings
from olymp_core.clock import Clock
from olymp_core.service import Runtime, Service


def build(settings: AppealsSettings | None = None, *, clock: Clock | None = None) -> Service:
    runtime = Runtime(settings or AppealsSettings(), clock)
    return Service(
        name="appeals",
        runtime=runtime,
        routers=[api.router],
        subscriptions=consumers.subscriptions(runtime),
        produces=["appeals"],
    )
