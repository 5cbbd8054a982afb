"""Composition root of the appeals service."""

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from olymp_appeals import api, consumers
from olymp_appeals.domain import AppealRuleError, russian_calendar
from olymp_appeals.settings import AppealsSettings
from olymp_core.clock import Clock
from olymp_core.problems import problem_response
from olymp_core.service import Runtime, Service


def build(settings: AppealsSettings | None = None, *, clock: Clock | None = None) -> Service:
    settings = settings or AppealsSettings()
    runtime = Runtime(settings, clock)
    overrides: dict[str | int, Mapping[str, Any]] = {
        year: entry for year, entry in settings.calendar_overrides.items()
    }
    calendar = russian_calendar().with_overrides(overrides)
    service = Service(
        name="appeals",
        runtime=runtime,
        routers=[api.router],
        subscriptions=consumers.subscriptions(runtime),
        produces=["appeals"],
        state={"calendar": calendar},
        description="Appeals: filing deadline, commission, hearing, votes and final decisions.",
    )

    async def on_rule_refused(request: Request, error: Exception) -> JSONResponse:
        return problem_response(api.appeal_rule_problem(error), request)

    service.app.add_exception_handler(AppealRuleError, on_rule_refused)
    return service
