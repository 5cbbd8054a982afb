"""Completing a room video upload: verify the checksum, read the facts from the file itself and
index it — or reject it and remove the object, so nothing is ever half-indexed. A file already
indexed (same SHA-256 in this olympiad) completes to the existing recording."""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from olymp_core.auth import Principal
from olymp_core.db import UnitOfWork
from olymp_core.storage import ObjectStore, multipart
from olymp_registration.domain import Olympiad
from olymp_registration.handlers.olympiads import get_olympiad
from olymp_registration.video import store
from olymp_registration.video.domain.coverage import FindingKind, RecordingSpan, coverage_findings
from olymp_registration.video.domain.errors import ChecksumMismatch, UploadIncomplete
from olymp_registration.video.domain.placement import local_file_name
from olymp_registration.video.domain.probe import MediaFacts, RecordingRejected, probe_recording
from olymp_registration.video.handlers.context import VideoContext
from olymp_registration.video.handlers.uploads import open_upload

# What a single recording can be blamed for on its own; coverage of the room is the report's job.
_RECORDING_FLAGS = (FindingKind.RECORDER_CLOCK_MISMATCH, FindingKind.LATE_HANDOVER)


@dataclass(frozen=True)
class CompleteUpload:
    olympiad_id: uuid.UUID
    venue: str
    upload_id: str
    parts: tuple[multipart.PartChecksum, ...]


async def complete_upload(
    command: CompleteUpload, uow: UnitOfWork, actor: Principal, *, video: VideoContext
) -> tuple[store.Recording, bool]:
    """The indexed recording, and whether it is new (False: the same file was already indexed).

    A rejected file is removed and its rejection committed before the refusal is raised.
    """
    upload = await open_upload(command.olympiad_id, command.venue, command.upload_id, uow)
    try:
        await video.uploads.complete(
            upload.upload_id, upload.object_key, sha256=upload.sha256, parts=command.parts
        )
    except multipart.ChecksumMismatch as exc:
        raise ChecksumMismatch(
            "Контрольная сумма не совпала: часть файла дошла повреждённой или не дошла. "
            "Повторите «olymp video upload» — недостающие части будут отправлены заново.",
            reason=str(exc),
        ) from None
    except (multipart.UploadNotFound, ValueError) as exc:
        raise UploadIncomplete(
            f"Загрузку нельзя завершить: {exc}. Начните загрузку заново."
        ) from None
    existing = await store.recording_by_checksum(uow.session, upload.olympiad_id, upload.sha256)
    if existing is not None:
        await store.close_upload(uow.session, upload.upload_id, store.UPLOAD_COMPLETED, "duplicate")
        await uow.commit()
        return existing, False
    try:
        facts = await _probe_object(video.objects, upload)
    except RecordingRejected as exc:
        await _reject(upload, exc, uow, video, actor)
        raise
    stored = await get_olympiad(upload.olympiad_id, uow)
    recording = _indexed(upload, facts, stored.olympiad, uow.clock.now(), video)
    days = await store.retention_days(uow.session, upload.olympiad_id)
    if days is not None:
        recording = replace(recording, expires_at=recording.round_ends_at + dt.timedelta(days))
    await store.add_recording(uow.session, recording)
    await store.close_upload(uow.session, upload.upload_id, store.UPLOAD_COMPLETED, "indexed")
    await uow.audit(
        actor=actor.subject,
        action="video.indexed",
        object_type="recording",
        object_id=str(recording.recording_id),
        payload={
            "venue": recording.venue,
            "room": recording.room,
            "subject_code": recording.subject_code,
            "round_code": recording.round_code,
            "sha256": recording.sha256,
            "size": recording.size,
            "duration_s": recording.duration_s,
            "start_source": recording.start_source,
            "flags": list(recording.flags),
            "object_key": recording.object_key,
        },
    )
    await uow.commit()
    return recording, True


async def _probe_object(objects: ObjectStore, upload: store.VideoUpload) -> MediaFacts:
    with tempfile.TemporaryDirectory(prefix="olymp-video-") as workdir:
        # The uploader's file name, so that the rejection names the file they know; never a
        # name that would leave the directory (an upload started before names were checked).
        local = Path(workdir) / local_file_name(upload.file_name)
        await objects.download_to(upload.object_key, local)
        return await asyncio.to_thread(probe_recording, local)


async def _reject(
    upload: store.VideoUpload,
    reason: RecordingRejected,
    uow: UnitOfWork,
    video: VideoContext,
    actor: Principal,
) -> None:
    await video.objects.delete(upload.object_key)
    await store.close_upload(uow.session, upload.upload_id, store.UPLOAD_REJECTED, str(reason))
    await uow.audit(
        actor=actor.subject,
        action="video.rejected",
        object_type="video_upload",
        object_id=upload.upload_id,
        payload={"file_name": upload.file_name, "sha256": upload.sha256, "reason": str(reason)},
    )
    await uow.commit()


def _indexed(
    upload: store.VideoUpload,
    facts: MediaFacts,
    olympiad: Olympiad,
    now: dt.datetime,
    video: VideoContext,
) -> store.Recording:
    window = video.window(olympiad, upload.subject_code, upload.round_code)
    if facts.creation_time is not None:
        starts_at, source = facts.creation_time, "media"
    elif upload.claimed_start is not None:
        starts_at, source = upload.claimed_start, "claimed"
    else:
        starts_at, source = window.starts_at, "schedule"
    ends_at = starts_at + dt.timedelta(seconds=facts.duration_s)
    span = RecordingSpan(upload.room, upload.file_name, starts_at, ends_at, now)
    flags = sorted(
        {
            finding.kind.value
            for finding in coverage_findings(window, [upload.room], [span], video.rules())
            if finding.kind in _RECORDING_FLAGS
        }
    )
    if source != "media":
        flags.append(f"start_from_{source}")
    return store.Recording(
        recording_id=uuid.uuid4(),
        olympiad_id=upload.olympiad_id,
        venue=upload.venue,
        room=upload.room,
        camera=upload.camera,
        day=_round_day(olympiad, upload.subject_code, upload.round_code),
        subject_code=upload.subject_code,
        round_code=upload.round_code,
        starts_at=starts_at,
        start_source=source,
        ends_at=ends_at,
        duration_s=facts.duration_s,
        file_name=upload.file_name,
        size=facts.size,
        sha256=upload.sha256,
        uploaded_by=upload.started_by,
        uploaded_at=now,
        object_key=upload.object_key,
        round_ends_at=window.ends_at,
        expires_at=window.ends_at + dt.timedelta(days=video.settings.video_retention_days),
        flags=tuple(flags),
        media={
            "container": facts.container,
            "video_codec": facts.video_codec,
            "width": facts.width,
            "height": facts.height,
            "creation_time": facts.creation_time.isoformat() if facts.creation_time else None,
        },
    )


def _round_day(olympiad: Olympiad, subject_code: str, round_code: str) -> dt.date:
    for slot in olympiad.schedule_of(subject_code).rounds:
        if slot.round_code == round_code:
            return slot.day
    raise ValueError(f"round {round_code} of {subject_code} is not scheduled")
