"""Composition root of the coding service."""

from olymp_coding import api, consumers, sweeper
from olymp_coding.settings import CodingSettings
from olymp_core.clock import Clock
from olymp_core.service import Runtime, Service


def build(settings: CodingSettings | None = None, *, clock: Clock | None = None) -> Service:
    settings = settings or CodingSettings()
    runtime = Runtime(settings, clock)
    return Service(
        name="coding",
        runtime=runtime,
        routers=[api.router],
        subscriptions=consumers.subscriptions(runtime),
        sweep_jobs=[sweeper.lost_check_ins_job(runtime, settings)],
        produces=["coding"],
        description="Шифрование работ (п. 60–65): шифры, таблица для жюри, декодирование.",
    )
