"""Composition root of the materials service."""

from olymp_core.clock import Clock
from olymp_core.service import Runtime, Service
from olymp_materials import api, consumers, sweeper
from olymp_materials.settings import MaterialsSettings


def build(settings: MaterialsSettings | None = None, *, clock: Clock | None = None) -> Service:
    settings = settings or MaterialsSettings()
    runtime = Runtime(settings, clock)
    service = Service(
        name="materials",
        runtime=runtime,
        routers=[api.router],
        subscriptions=consumers.subscriptions(runtime),
        sweep_jobs=[sweeper.release_job(runtime)],
        produces=["materials"],
        description="Пакеты заданий и критериев; ключи раскрываются в установленный момент (§24).",
    )
    # releases must follow their instant within seconds, not the minute the other sweeps can wait
    service.sweeper.interval = min(settings.sweep_interval_s, settings.release_poll_interval_s)
    return service
