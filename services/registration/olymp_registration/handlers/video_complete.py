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

from olymp_core.db import UnitOfWork
from olymp_core.problems import Problem
from olymp_core.storage import ObjectStore
from olymp_core.storage.multipart import ChecksumMismatch, PartChecksum, UploadNotFound
from olymp_registration import video_store
from olymp_registration.domain import Olympiad
from olymp_registration.handlers.olympiads import get_olympiad
from olymp_registration.handlers.video import VideoContext, open_upload
from olymp_registration.video.coverage import FindingKind, RecordingSpan, coverage_findings
from olymp_registration.video.probe import MediaFacts, RecordingRejected, probe_recording

# What a single recording can be blamed for on its own; coverage of the room is the report's job.
_RECORDING_FLAGS = (FindingKind.RECORDER_CLOCK_MISMATCH, FindingKind.LATE_HANDOVER)


@dataclass(frozen=True)
class CompleteUpload:
    olympiad_id: uuid.UUID
    venue: str
    upload_id: str
    parts: tuple[PartChecksum, ...]
    actor: str


async def complete_upload(
    command: CompleteUpload, uow: UnitOfWork, ctx: VideoContext
) -> tuple[video_store.Recording, bool]:
    """The indexed recording, and whether it is new (False: the same file was already indexed)."""
    upload = await open_upload(command.olympiad_id, command.venue, command.upload_id, uow)
    try:
        await ctx.uploads.complete(
            upload.upload_id, upload.object_key, sha256=upload.sha256, parts=command.parts
        )
    except ChecksumMismatch as exc:
        raise Problem(
            "Контрольная сумма не совпала: часть файла дошла повреждённой или не дошла. "
            "Повторите «olymp video upload» — недостающие части будут отправлены заново.",
            status=422,
            type_="checksum-mismatch",
            title="Файл получен не полностью",
            reason=str(exc),
        ) from None
    except (UploadNotFound, ValueError) as exc:
        raise Problem(
            f"Загрузку нельзя завершить: {exc}. Начните загрузку заново.",
            status=422,
            type_="upload-incomplete",
        ) from None
    existing = await video_store.recording_by_checksum(
        uow.session, upload.olympiad_id, upload.sha256
    )
    if existing is not None:
        await video_store.close_upload(uow.session, upload.upload_id, "completed", "duplicate")
        await uow.commit()
        return existing, False
    try:
        facts = await _probe_object(ctx.store, upload)
    except RecordingRejected as exc:
        await _reject(upload, exc, uow, ctx, command.actor)
        raise Problem(
            str(exc),
            status=422,
            type_="recording-rejected",
            title="Видеозапись не принята",
            kind=type(exc).__name__,
        ) from None
    stored = await get_olympiad(upload.olympiad_id, uow)
    recording = _indexed(upload, facts, stored.olympiad, uow.clock.now(), ctx)
    days = await video_store.retention_days(uow.session, upload.olympiad_id)
    if days is not None:
        recording = replace(recording, expires_at=recording.round_ends_at + dt.timedelta(days))
    await video_store.add_recording(uow.session, recording)
    await video_store.close_upload(uow.session, upload.upload_id, "completed", "indexed")
    await uow.audit(
        actor=command.actor,
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


async def _probe_object(store: ObjectStore, upload: video_store.VideoUpload) -> MediaFacts:
    with tempfile.TemporaryDirectory(prefix="olymp-video-") as workdir:
        # The uploader's file name, so that the rejection names the file they know.
        local = Path(workdir) / (upload.file_name or "recording")
        await store.download_to(upload.object_key, local)
        return await asyncio.to_thread(probe_recording, local)


async def _reject(
    upload: video_store.VideoUpload,
    reason: RecordingRejected,
    uow: UnitOfWork,
    ctx: VideoContext,
    actor: str,
) -> None:
    await ctx.store.delete(upload.object_key)
    await video_store.close_upload(
        uow.session, upload.upload_id, video_store.UPLOAD_REJECTED, str(reason)
    )
    await uow.audit(
        actor=actor,
        action="video.rejected",
        object_type="video_upload",
        object_id=upload.upload_id,
        payload={"file_name": upload.file_name, "sha256": upload.sha256, "reason": str(reason)},
    )
    await uow.commit()


def _indexed(
    upload: video_store.VideoUpload,
    facts: MediaFacts,
    olympiad: Olympiad,
    now: dt.datetime,
    ctx: VideoContext,
) -> video_store.Recording:
    window = ctx.window(olympiad, upload.subject_code, upload.round_code)
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
            for finding in coverage_findings(window, [upload.room], [span], ctx.rules())
            if finding.kind in _RECORDING_FLAGS
        }
    )
    if source != "media":
        flags.append(f"start_from_{source}")
    return video_store.Recording(
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
        expires_at=window.ends_at + dt.timedelta(days=ctx.settings.video_retention_days),
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
