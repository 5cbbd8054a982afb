"""Sweep jobs: the database is the truth, a message is a hint.

A preliminary table is built when the last of its inputs arrives (decoding, scores, personal
data). A lost or out-of-order message can leave a table with all inputs in and no version; the
first job finds such tables and publishes them.

A version's static files are written right after it commits; a store that failed then (or a
process killed in between) leaves versions without files: the second job writes them.
"""

from olymp_core.db import UnitOfWorkFactory
from olymp_core.events import SweepJob
from olymp_core.runtime import Runtime
from olymp_publishing import handlers, store
from olymp_publishing.handlers import PublishedFiles
from olymp_publishing.settings import PublishingSettings

ACTOR = "service:publishing-sweeper"


def sweep_jobs(runtime: Runtime[PublishingSettings], files: PublishedFiles) -> list[SweepJob]:
    async def preliminary() -> int:
        return await heal_preliminary(runtime.uows, files)

    async def published_files() -> int:
        return await handlers.write_pending_files(runtime.uows, files)

    return [
        SweepJob("publishing.preliminary_tables", preliminary),
        SweepJob("publishing.published_files", published_files),
    ]


async def heal_preliminary(uows: UnitOfWorkFactory, files: PublishedFiles) -> int:
    """Publish the preliminary tables left unbuilt, each in its own transaction."""
    healed = 0
    async with uows() as uow:
        pending = await store.pending_preliminary(uow.session)
    for key in pending:
        async with uows() as uow:
            if await handlers.preliminary_if_ready(uow, key, ACTOR, files):
                healed += 1
            await uow.commit()
    return healed
