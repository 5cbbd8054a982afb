"""Composition root of the appeals service."""

from olymp_appeals import api, consumers
from olymp_appeals.domain import russian_calendar
from olymp_appeals.settings import AppealsSettings
from olymp_core.clock import Clock
from olymp_core.runtime import Runtime
from olymp_core.service import Service


def build(
    settings: AppealsSettings | None = None, *, clock: Clock | None = None
) -> Service[AppealsSettings]:
    runtime = Runtime(settings or AppealsSettings(), clock)
    # Built once: the federal production calendar plus the years and regional holidays it lacks.
    calendar = russian_calendar().with_overrides(runtime.settings.calendar_overrides)
    return Service(
        name="appeals",
        runtime=runtime,
        description="Appeals: filing deadline, commission, hearing, votes and final decisions.",
        routers=[api.router, api.public_router],
        events=consumers.EVENTS,
        errors=api.ERRORS,
        contexts=[calendar],
    )
