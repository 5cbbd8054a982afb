"""Room video uploads (§21): open a resumable upload for a room and round and take its parts
(completion and indexing: `completion`).

The object key is derived from the file's SHA-256, so the same file uploaded twice is the same
object and the same recording: starting or completing it again returns the existing recording.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from olymp_core.auth import Principal
from olymp_core.db import UnitOfWork
from olymp_core.storage import multipart
from olymp_registration.domain.text import comparison_key
from olymp_registration.handlers.olympiads import get_olympiad
from olymp_registration.video import store
from olymp_registration.video.domain.errors import (
    InvalidChecksum,
    InvalidPart,
    PartsGoToStore,
    PartTooLarge,
    RecordingTooLarge,
    UploadClosed,
    UploadNotFound,
)
from olymp_registration.video.domain.placement import (
    camera_label,
    content_type,
    find_venue,
    object_key,
    recording_file_name,
    resolve_round,
    room_of,
)
from olymp_registration.video.handlers.context import VideoContext

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# How long a signed part URL of the store stays valid: long enough for a slow venue's part.
_PART_URL_TTL = dt.timedelta(hours=1)


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


@dataclass(frozen=True)
class UploadStarted:
    upload: store.VideoUpload | None
    existing: store.Recording | None  # the same file was already indexed


@dataclass(frozen=True)
class UploadProgress:
    """What arrived of an upload and where each missing part goes."""

    upload: store.VideoUpload
    part_count: int
    arrived: list[multipart.UploadedPart]
    presigned: bool  # parts go to the store's signed URLs, not through the service
    # missing parts of this page: the store's signed URL, or None when it goes through the service
    targets: dict[int, str | None]
    next_part: int | None  # where the next page of missing parts starts; None: this was the last


async def start_upload(
    command: StartUpload, uow: UnitOfWork, actor: Principal, *, video: VideoContext
) -> UploadStarted:
    stored = await get_olympiad(command.olympiad_id, uow)
    venue = find_venue(stored.olympiad, command.venue)
    room = room_of(venue, command.room)
    round_code = resolve_round(stored.olympiad, command.subject_code, command.round_code)
    file_name = recording_file_name(command.file_name)
    camera = camera_label(command.camera)
    if not _SHA256.match(command.sha256) or command.size <= 0:
        raise InvalidChecksum(
            "Контрольная сумма SHA-256 должна состоять из 64 шестнадцатеричных цифр, а размер "
            "файла быть больше нуля: посчитайте их по самому файлу."
        )
    _require_recordable(command.size, video)
    existing = await store.recording_by_checksum(uow.session, command.olympiad_id, command.sha256)
    if existing is not None:
        return UploadStarted(None, existing)
    key = object_key(command.olympiad_id, command.sha256, file_name)
    upload_id = await video.uploads.start(
        key, sha256=command.sha256, content_type=content_type(key)
    )
    upload = store.VideoUpload(
        upload_id=upload_id,
        olympiad_id=command.olympiad_id,
        venue=venue.name,
        room=room,
        camera=camera,
        subject_code=command.subject_code,
        round_code=round_code,
        file_name=file_name,
        size=command.size,
        sha256=command.sha256,
        part_size=video.settings.video_part_size,
        object_key=key,
        claimed_start=command.claimed_start,
        status=store.UPLOAD_OPEN,
        started_by=actor.subject,
        started_at=uow.clock.now(),
    )
    await store.add_upload(uow.session, upload)
    await uow.audit(
        actor=actor.subject,
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
    return UploadStarted(upload, None)


async def open_upload(
    olympiad_id: uuid.UUID, venue: str, upload_id: str, uow: UnitOfWork
) -> store.VideoUpload:
    upload = await store.get_upload(uow.session, upload_id)
    if (
        upload is None
        or upload.olympiad_id != olympiad_id
        or comparison_key(upload.venue) != comparison_key(venue)
    ):
        raise UploadNotFound(
            f"Загрузка {upload_id} не найдена на этой площадке: начните загрузку заново."
        )
    if upload.status != store.UPLOAD_OPEN:
        raise UploadClosed(
            f"Загрузка {upload_id} уже завершена ({upload.outcome or upload.status})."
        )
    return upload


def max_recording_bytes(video: VideoContext) -> int:
    """The largest file an upload takes: what a room records, within the store's part count."""
    settings = video.settings
    return min(settings.video_max_bytes, settings.video_part_size * multipart.MAX_PARTS)


def _require_recordable(size: int, video: VideoContext) -> None:
    largest = max_recording_bytes(video)
    if size > largest:
        raise RecordingTooLarge(
            f"Заявленный размер файла — {_gib(size)} ГБ, а запись одной аудитории бывает не "
            f"больше {_gib(largest)} ГБ. Проверьте, тот ли файл выбран, и размер, указанный "
            "в запросе; длинную запись разделите на файлы по частям тура.",
            max_bytes=largest,
        )


def _gib(size: int) -> str:
    return f"{size / (1 << 30):.1f}".replace(".", ",")


async def upload_progress(
    upload: store.VideoUpload, *, video: VideoContext, from_part: int = 1
) -> UploadProgress:
    """What arrived, and where to send the missing parts from `from_part` on — a page of them.

    Signing a part's URL takes time and a large file has thousands of parts: a request hands out
    at most `video_part_links_per_page` links, and `next_part` says where the next page starts.
    """
    try:
        arrived = await video.uploads.uploaded_parts(upload.upload_id, upload.object_key)
    except multipart.UploadNotFound:
        raise UploadNotFound("Хранилище не знает этой загрузки: начните загрузку заново.") from None
    count = -(-upload.size // upload.part_size)
    have = {part.number for part in arrived}
    page = [n for n in range(max(from_part, 1), count + 1) if n not in have]
    links = video.settings.video_part_links_per_page
    page, rest = page[:links], page[links : links + 1]
    targets: dict[int, str | None] = {}
    for number in page:
        targets[number] = (
            await video.uploads.part_url(upload.upload_id, upload.object_key, number, _PART_URL_TTL)
            if video.uploads.presigns_parts
            else None
        )
    next_part = rest[0] if rest else None
    return UploadProgress(upload, count, arrived, video.uploads.presigns_parts, targets, next_part)


async def upload_for_part(
    olympiad_id: uuid.UUID,
    venue: str,
    upload_id: str,
    declared_size: int,
    uow: UnitOfWork,
    *,
    video: VideoContext,
) -> store.VideoUpload:
    """The open upload a part is sent to through the service, checked before its bytes are read."""
    upload = await open_upload(olympiad_id, venue, upload_id, uow)
    # A part takes a while to arrive from a venue: the database connection is not held for it.
    await uow.session.rollback()
    if video.uploads.presigns_parts:
        raise PartsGoToStore(
            "Части этой загрузки отправляются по подписанным ссылкам хранилища: запросите их "
            "через GET загрузки."
        )
    if declared_size > upload.part_size:
        raise PartTooLarge(
            f"Часть больше {upload.part_size} байт: делите файл на части этого размера."
        )
    return upload


async def write_part(
    upload: store.VideoUpload, number: int, data: bytes, *, video: VideoContext
) -> str:
    """Store one part (local store); returns its MD5, the part's ETag."""
    parts = -(-upload.size // upload.part_size)
    if not 1 <= number <= parts or len(data) > upload.part_size:
        raise InvalidPart(
            f"Часть {number} вне файла: частей {parts}, каждая не больше {upload.part_size} байт."
        )
    return await video.uploads.write_part(upload.upload_id, upload.object_key, number, data)
