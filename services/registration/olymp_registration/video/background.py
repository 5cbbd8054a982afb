"""What room video runs beside the server: the deletion of recordings whose retention ended.

It is not a sweep job (it repairs nothing a lost message left undone), but a periodic loop given to
`Service(lifecycles=...)`; `expire_recordings` is one pass of it.
"""

from __future__ import annotations

import logging
from functools import partial

from olymp_core.db import UnitOfWorkFactory
from olymp_core.lifecycle import Loop
from olymp_registration.video import handlers
from olymp_registration.video.handlers import VideoContext

log = logging.getLogger("olymp.registration.video")


async def expire_recordings(uows: UnitOfWorkFactory, video: VideoContext) -> int:
    """One pass: delete the recordings whose retention ended (a batch); returns how many."""
    async with uows() as uow:
        deleted = await handlers.expire_recordings(handlers.ExpireRecordings(), uow, video=video)
    if deleted:
        log.info("expired room video deleted", extra={"recordings": deleted})
    return deleted


def retention(uows: UnitOfWorkFactory, video: VideoContext) -> Loop:
    return Loop.every(
        "video-retention",
        partial(expire_recordings, uows, video),
        interval=video.settings.video_retention_interval_s,
    )
