"""Composition root of the coding service."""

from olymp_coding import api, consumers
from olymp_coding.settings import CodingSettings
from olymp_core.clock import Clock
from olymp_core.service import Runtime, Service


def build(settings: CodingSettings | None = None, *, clock: Clock | None = None) -> Service:
    runtime = Runtime(settings or CodingSettings(), clock)
    return Service(
        name="coding",
        runtime=runtime,
        routers=[api.router],
        subscriptions=consumers.subscriptions(runtime),
        produces=["coding"],
    )
