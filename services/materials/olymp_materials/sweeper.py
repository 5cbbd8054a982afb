"""The release job: the database says which instants have come; the job releases those packages.

It runs at start-up first, so a service that was down at 08:00 releases at once when it comes back;
the hub's release timer (feed.py) does the same at the instant itself. Either one wakes the streams.
"""

from olymp_core.events import SweepJob
from olymp_core.service import Runtime
from olymp_materials import handlers
from olymp_materials.hub.broadcaster import FeedBroadcaster


def release_job(runtime: Runtime, broadcaster: FeedBroadcaster) -> SweepJob:
    async def run() -> int:
        async with runtime.uows() as uow:
            released = await handlers.release_due_packages(uow)
        await broadcaster.refresh()
        return released

    return SweepJob("materials.release_due_packages", run)
