"""Composition root of the publishing service."""

from olymp_core.clock import Clock
from olymp_core.runtime import Runtime
from olymp_core.service import Service
from olymp_publishing import api, consumers, sweeper
from olymp_publishing.settings import PublishingSettings


def build(
    settings: PublishingSettings | None = None, *, clock: Clock | None = None
) -> Service[PublishingSettings]:
    runtime = Runtime(settings or PublishingSettings(), clock)
    return Service(
        name="publishing",
        runtime=runtime,
        description="Рейтинговые таблицы муниципального этапа ВсОШ: предварительные и итоговые.",
        routers=[api.quota_router, api.jury_router, api.public_router],
        events=consumers.EVENTS,
        errors=api.ERRORS,
        sweep_jobs=sweeper.sweep_jobs(runtime),
    )
