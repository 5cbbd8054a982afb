"""Sweep job: the database is the truth, a message is a hint.

A preliminary table is built when the last of its inputs arrives (decoding, scores, personal
data). A lost or out-of-order message can leave a table with all inputs in and no version; this
job finds such tables and publishes them.
"""

from olymp_core.db import UnitOfWorkFactory
from olymp_core.events import SweepJob
from olymp_core.runtime import Runtime
from olymp_publishing import handlers, store
from olymp_publishing.settings import PublishingSettings

ACTOR = "service:publishing-sweeper"


def sweep_jobs(runtime: Runtime[PublishingSettings]) -> list[SweepJob]:
    async def preliminary() -> int:
        return await heal_preliminary(runtime.uows)

    return [SweepJob("publishing.preliminary_tables", preliminary)]


async def heal_preliminary(uows: UnitOfWorkFactory) -> int:
    """Publish the preliminary tables left unbuilt, each in its own transaction."""
    healed = 0
    async with uows() as uow:
        pending = await store.pending_preliminary(uow.session)
    for key in pending:
        async with uows() as uow:
            if await handlers.preliminary_if_ready(uow, key, ACTOR):
                healed += 1
            await uow.commit()
    return healed
