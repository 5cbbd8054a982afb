"""Sweep jobs: the database is the truth, a message is a hint."""

from olymp_core.events import SweepJob
from olymp_core.service import Runtime
from olymp_publishing import handlers


def sweep_jobs(runtime: Runtime) -> list[SweepJob]:
    async def preliminary() -> int:
        return await handlers.heal_preliminary(runtime.uows)

    return [SweepJob("publishing.preliminary_tables", preliminary)]
