"""The release job: the database says which instants have come; the job releases those packages.

It runs at start-up first, so a service that was down at 08:00 releases at once when it comes back.
"""

from olymp_core.events import SweepJob
from olymp_core.service import Runtime
from olymp_materials import handlers


def release_job(runtime: Runtime) -> SweepJob:
    async def run() -> int:
        async with runtime.uows() as uow:
            return await handlers.release_due_packages(uow)

    return SweepJob("materials.release_due_packages", run)
