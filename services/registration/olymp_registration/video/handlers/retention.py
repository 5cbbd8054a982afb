"""How long room video is kept, and the audited deletion of what outlived it.

The store's own lifecycle rules are not used for this: they delete silently, so the index would
point at missing files and no deletion would reach the audit trail. `expire_recordings` is the one
place recordings disappear, and each deletion is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from olymp_core.auth import Principal
from olymp_core.db import UnitOfWork
from olymp_registration.handlers.olympiads import get_olympiad
from olymp_registration.video import store
from olymp_registration.video.domain.errors import InvalidRetention
from olymp_registration.video.handlers.context import VideoContext

RETENTION_ACTOR = "system:video-retention"


@dataclass(frozen=True)
class SetRetention:
    olympiad_id: uuid.UUID
    days: int


@dataclass(frozen=True)
class ExpireRecordings:
    batch: int = 50  # one transaction's worth; the next run takes the rest


async def set_retention(command: SetRetention, uow: UnitOfWork, actor: Principal) -> int:
    """Set the olympiad's period and move every recording's expiry with it; returns how many."""
    await get_olympiad(command.olympiad_id, uow)
    if not 1 <= command.days <= 3650:
        raise InvalidRetention("Срок хранения видеозаписей задаётся в днях, от 1 до 3650.")
    moved = await store.set_retention(
        uow.session, command.olympiad_id, command.days, by=actor.subject, at=uow.clock.now()
    )
    await uow.audit(
        actor=actor.subject,
        action="video.retention_set",
        object_type="olympiad",
        object_id=str(command.olympiad_id),
        payload={"days": command.days, "recordings": moved},
    )
    await uow.commit()
    return moved


async def expire_recordings(
    command: ExpireRecordings, uow: UnitOfWork, *, video: VideoContext
) -> int:
    """Delete recordings whose retention ended, auditing every deletion; returns how many.

    Objects go first: if the transaction then fails, the rows stay and the next run deletes them
    (and the gone objects) again, so the index never points at nothing for long and no deletion
    goes unaudited.
    """
    expired = await store.expired_recordings(uow.session, uow.clock.now(), command.batch)
    for recording in expired:
        await video.objects.delete(recording.object_key)
        await store.delete_recording(uow.session, recording.recording_id)
        await uow.audit(
            actor=RETENTION_ACTOR,
            action="video.expired",
            object_type="recording",
            object_id=str(recording.recording_id),
            payload={
                "venue": recording.venue,
                "room": recording.room,
                "subject_code": recording.subject_code,
                "sha256": recording.sha256,
                "object_key": recording.object_key,
                "expires_at": recording.expires_at.isoformat(),
            },
        )
    await uow.commit()
    return len(expired)
