"""Composition root of the scoring service."""

from olymp_core.clock import Clock
from olymp_core.service import Runtime, Service
from olymp_scoring import api, consumers, grpc_server
from olymp_scoring.settings import ScoringSettings


def build(settings: ScoringSettings | None = None, *, clock: Clock | None = None) -> Service:
    runtime = Runtime(settings or ScoringSettings(), clock)
    return Service(
        name="scoring",
        runtime=runtime,
        routers=[api.router],
        subscriptions=consumers.subscriptions(runtime),
        grpc_services=[grpc_server.register(runtime.uows)],
        grpc_policies=grpc_server.POLICIES,
        produces=["scoring"],
        description="Checking of coded works: marks, discrepancies, annulment, appeals (§66–75).",
    )
