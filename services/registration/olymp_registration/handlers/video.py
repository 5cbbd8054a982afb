"""Room video uploads (§21): open a resumable upload for a room and round and take its parts
(completion and indexing: `video_complete`).

The object key is derived from the file's SHA-256, so the same file uploaded twice is the same
object and the same recording: starting or completing it again returns the existing recording.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from olymp_core.db import UnitOfWork
from olymp_core.problems import Conflict, NotFound, Problem
from olymp_core.storage import ObjectStore
from olymp_core.storage.multipart import (
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
    RoundWindow,
)

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_EXTENSION = re.compile(r"^[a-z0-9]{1,5}$")


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
    upload_id = await uploads.start(key, sha256=command.sha256, content_type=content_type(key))
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


def content_type(key: str) -> str:
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
