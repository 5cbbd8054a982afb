"""Composition root of the materials service."""

from olymp_core.clock import Clock
from olymp_core.service import Runtime, Service
from olymp_materials import api, consumers
from olymp_materials.settings import MaterialsSettings


def build(settings: MaterialsSettings | None = None, *, clock: Clock | None = None) -> Service:
    runtime = Runtime(settings or MaterialsSettings(), clock)
    return Service(
        name="materials",
        runtime=runtime,
        routers=[api.router],
        subscriptions=consumers.subscriptions(runtime),
        produces=["materials"],
    )
