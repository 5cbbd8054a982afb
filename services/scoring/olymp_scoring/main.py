"""Composition root of the scoring service."""

from olymp_core.clock import Clock
from olymp_core.runtime import Runtime
from olymp_core.service import Service
from olymp_scoring import api, consumers, grpc_api
from olymp_scoring.gauges import MARKING_GAUGE
from olymp_scoring.settings import ScoringSettings


def build(
    settings: ScoringSettings | None = None, *, clock: Clock | None = None
) -> Service[ScoringSettings]:
    runtime = Runtime(settings or ScoringSettings(), clock)
    return Service(
        name="scoring",
        runtime=runtime,
        description="Checking of coded works: marks, discrepancies, annulment, appeals (§66–75).",
        routers=[api.router],
        events=consumers.EVENTS,
        errors=api.ERRORS,
        grpc=grpc_api.grpc_api(runtime.uows),
        gauges=[MARKING_GAUGE],
    )
