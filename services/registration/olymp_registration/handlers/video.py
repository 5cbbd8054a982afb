"""Room video uploads (§21): open a resumable upload for a room and round, take parts, and on
completion verify the checksum, read the facts from the file itself and index it — or reject it
and remove the object, so nothing is ever half-indexed.

The object key is derived from the file's SHA-256, so the same file uploaded twice is the same
object and the same recording: starting or completing it again returns the existing recording.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import tempfile
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from olymp_core.db import UnitOfWork
from olymp_core.problems import Conflict, NotFound, Problem
from olymp_core.storage import ObjectStore, StorageError
from olymp_core.storage.multipart import (
    ChecksumMismatch,
    PartChecksum,
    ResumableUploads,
    UploadedPart,
    UploadNotFound,
    resumable_uploads,
)
from olymp_core.subjects import UnknownSubject
from olymp_registration import video_store
from olymp_registration.domain import InvalidOlympiad, Olympiad, RoundSlot, Venue
from olymp_registration.domain.text import comparison_key
from olymp_registration.handlers.olympiads import get_olympiad
from olymp_registration.settings import RegistrationSettings
from olymp_registration.video.coverage import (
    CoverageRules,
    FindingKind,
    RecordingSpan,
    RoundWindow,
    coverage_findings,
)
from olymp_registration.video.probe import MediaFacts, RecordingRejected, probe_recording

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_EXTENSION = re.compile(r"^[a-z0-9]{1,5}$")
# What a single recording can be blamed for on its own; coverage of the room is the report's job.
_RECORDING_FLAGS = (FindingKind.RECORDER_CLOCK_MISMATCH, FindingKind.LATE_HANDOVER)


@dataclass(frozen=True)
class VideoContext:
    store: ObjectStore
    settings: RegistrationSettings

    @property
    def uploads(self) -> ResumableUploads:
        return resumable_uploads(self.store)

    def rules(self) -> CoverageRules:
        return CoverageRules(
            max_gap=dt.timedelta(seconds=self.settings.video_max_gap_s),
            clock_tolerance=dt.timedelta(seconds=self.settings.video_clock_tolerance_s),
        )

    def window(self, olympiad: Olympiad, subject_code: str, round_code: str) -> RoundWindow:
        starts_at, ends_at = olympiad.round_instants(subject_code, round_code)
        packing = dt.timedelta(minutes=self.settings.video_packing_minutes)
        return RoundWindow(starts_at, ends_at, ends_at + packing, olympiad.time_zone)


@dataclass(frozen=True)
class StartUpload:
    olympiad_id: uuid.UUID
    venue: str
    room: str
    camera: str
    subject_code: str
    round_code: str | None
    file_name: str
    size: int
    sha256: str
    claimed_start: dt.datetime | None
    actor: str


@dataclass(frozen=True)
class UploadStarted:
    upload: video_store.VideoUpload | None
    existing: video_store.Recording | None  # the same file was already indexed
    presigned: bool = False


def find_venue(olympiad: Olympiad, name: str) -> Venue:
    key = comparison_key(name)
    for venue in olympiad.venues:
        if comparison_key(venue.name) == key:
            return venue
    listed = ", ".join(f"«{v.name}»" for v in olympiad.venues) or "нет ни одной"
    raise NotFound(
        f"Площадка «{name}» не найдена в этой олимпиаде (площадки: {listed}). "
        "Проверьте название площадки.",
        type_="venue-not-found",
    )


def scheduled_rounds(olympiad: Olympiad, subject_code: str) -> tuple[RoundSlot, ...]:
    try:
        return olympiad.schedule_of(subject_code).rounds
    except (InvalidOlympiad, UnknownSubject) as exc:
        raise Problem(
            f"{exc} Укажите предмет из расписания олимпиады.",
            status=422,
            type_="subject-not-scheduled",
        ) from None


def resolve_round(olympiad: Olympiad, subject_code: str, round_code: str | None) -> str:
    rounds = scheduled_rounds(olympiad, subject_code)
    codes = [slot.round_code for slot in rounds]
    if round_code is None and len(codes) == 1:
        return codes[0]
    if round_code in codes:
        return round_code
    raise Problem(
        f"Укажите тур из расписания предмета: {', '.join(codes)}.",
        status=422,
        type_="round-not-scheduled",
    )


def _room_of(venue: Venue, name: str) -> str:
    key = comparison_key(name)
    for room in venue.rooms:
        if comparison_key(room.name) == key:
            return room.name
    listed = ", ".join(f"«{r.name}»" for r in venue.rooms)
    raise Problem(
        f"Аудитории «{name}» нет на площадке «{venue.name}» (аудитории: {listed}). "
        "Видеозапись принимается только для аудитории из списка площадки.",
        status=422,
        type_="room-not-found",
        title="Аудитория не найдена",
    )


def object_key(olympiad_id: uuid.UUID, sha256: str, file_name: str) -> str:
    extension = Path(file_name).suffix.lstrip(".").lower()
    return f"video/{olympiad_id}/{sha256}.{extension if _EXTENSION.match(extension) else 'bin'}"


async def start_upload(command: StartUpload, uow: UnitOfWork, ctx: VideoContext) -> UploadStarted:
    stored = await get_olympiad(command.olympiad_id, uow)
    venue = find_venue(stored.olympiad, command.venue)
    room = _room_of(venue, command.room)
    round_code = resolve_round(stored.olympiad, command.subject_code, command.round_code)
    if not _SHA256.match(command.sha256) or command.size <= 0:
        raise Problem(
            "Контрольная сумма SHA-256 должна состоять из 64 шестнадцатеричных цифр, а размер "
            "файла быть больше нуля: посчитайте их по самому файлу.",
            status=422,
            type_="invalid-checksum",
        )
    existing = await video_store.recording_by_checksum(
        uow.session, command.olympiad_id, command.sha256
    )
    if existing is not None:
        return UploadStarted(None, existing)
    key = object_key(command.olympiad_id, command.sha256, command.file_name)
    uploads = ctx.uploads
    upload_id = await uploads.start(key, sha256=command.sha256, content_type=_content_type(key))
    upload = video_store.VideoUpload(
        upload_id=upload_id,
        olympiad_id=command.olympiad_id,
        venue=venue.name,
        room=room,
        camera=command.camera.strip(),
        subject_code=command.subject_code,
        round_code=round_code,
        file_name=Path(command.file_name).name,
        size=command.size,
        sha256=command.sha256,
        part_size=ctx.settings.video_part_size,
        object_key=key,
        claimed_start=command.claimed_start,
        status=video_store.UPLOAD_OPEN,
        started_by=command.actor,
        started_at=uow.clock.now(),
    )
    await video_store.add_upload(uow.session, upload)
    await uow.audit(
        actor=command.actor,
        action="video.upload_started",
        object_type="video_upload",
        object_id=upload_id,
        payload={
            "venue": venue.name,
            "room": room,
            "subject_code": command.subject_code,
            "file_name": upload.file_name,
            "size": command.size,
            "sha256": command.sha256,
        },
    )
    await uow.commit()
    return UploadStarted(upload, None, uploads.presigns_parts)


def _content_type(key: str) -> str:
    return {"mp4": "video/mp4", "mov": "video/quicktime", "mkv": "video/x-matroska"}.get(
        key.rsplit(".", 1)[-1], "application/octet-stream"
    )


async def open_upload(
    olympiad_id: uuid.UUID, venue: str, upload_id: str, uow: UnitOfWork
) -> video_store.VideoUpload:
    upload = await video_store.get_upload(uow.session, upload_id)
    if (
        upload is None
        or upload.olympiad_id != olympiad_id
        or comparison_key(upload.venue) != comparison_key(venue)
    ):
        raise NotFound(
            f"Загрузка {upload_id} не найдена на этой площадке: начните загрузку заново.",
            type_="upload-not-found",
        )
    if upload.status != video_store.UPLOAD_OPEN:
        raise Conflict(
            f"Загрузка {upload_id} уже завершена ({upload.outcome or upload.status}).",
            type_="upload-closed",
        )
    return upload


async def arrived_parts(upload: video_store.VideoUpload, ctx: VideoContext) -> list[UploadedPart]:
    try:
        return await ctx.uploads.uploaded_parts(upload.upload_id, upload.object_key)
    except UploadNotFound:
        raise NotFound(
            "Хранилище не знает этой загрузки: начните загрузку заново.",
            type_="upload-not-found",
        ) from None


async def part_url(
    upload: video_store.VideoUpload, number: int, ctx: VideoContext, expires: dt.timedelta
) -> str:
    return await ctx.uploads.part_url(upload.upload_id, upload.object_key, number, expires)


async def write_part(
    upload: video_store.VideoUpload, number: int, data: bytes, ctx: VideoContext
) -> str:
    parts = -(-upload.size // upload.part_size)
    if not 1 <= number <= parts or len(data) > upload.part_size:
        raise Problem(
            f"Часть {number} вне файла: частей {parts}, каждая не больше {upload.part_size} байт.",
            status=422,
            type_="invalid-part",
        )
    return await ctx.uploads.write_part(upload.upload_id, upload.object_key, number, data)


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
    try:
        await ctx.store.delete(upload.object_key)
    except StorageError:
        pass  # the sweep of orphaned objects is not ours to run here; the rejection still stands
    await video_store.close_upload(uow.session, upload.upload_id, video_store.UPLOAD_REJECTED, str(reason))
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
