"""HTTP API of room video (§21): resumable uploads per venue and room, the coverage and deadline
report, search, and audited playback through short-lived signed links."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.problems import Problem
from olymp_core.service import Runtime
from olymp_core.storage.multipart import PartChecksum
from olymp_registration import video_store
from olymp_registration.handlers import video, video_access, video_complete
from olymp_registration.schemas_video import (
    ArrivedPart,
    CompletedRead,
    CoverageReportRead,
    PartTarget,
    PlaybackRead,
    RecordingList,
    RecordingRead,
    RetentionRead,
    RetentionUpdate,
    RoundReportRead,
    UploadComplete,
    UploadCreate,
    UploadRead,
    UploadStartRead,
)
from olymp_registration.settings import RegistrationSettings
from olymp_registration.video.links import PlaybackGrant

router = APIRouter(prefix="/olympiads", tags=["video"])

_VENUE = ScopeRule(ScopeKind.VENUE, "venue")
Uploader = Annotated[Principal, Depends(authorize(Role.VENUE_COORDINATOR, scope=_VENUE))]
Reader = Annotated[
    Principal,
    Depends(
        authorize(
            Role.COORDINATOR,
            Role.MUNICIPAL_COORDINATOR,
            Role.VENUE_COORDINATOR,
            Role.OBSERVER,
            scope=_VENUE,
        )
    ),
]
# The regional organiser, the orgcommittee and observers; the venue is checked per recording.
Viewer = Annotated[
    Principal, Depends(authorize(Role.COORDINATOR, Role.MUNICIPAL_COORDINATOR, Role.OBSERVER))
]
Regional = Annotated[Principal, Depends(authorize(Role.COORDINATOR))]
# The signature in the link is the credential: it names the viewer and expires within minutes.
LinkHolder = Annotated[Principal, Depends(authorize(Role.PUBLIC))]


def _context(request: Request) -> video.VideoContext:
    runtime: Runtime = request.app.state.runtime
    settings = runtime.settings
    if not isinstance(settings, RegistrationSettings):
        raise RuntimeError("the registration service runs with RegistrationSettings")
    return video.VideoContext(runtime.store, settings)


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


Context = Annotated[video.VideoContext, Depends(_context)]
RuntimeDep = Annotated[Runtime, Depends(_runtime)]
_UPLOAD = "/{olympiad_id}/venues/{venue}/video/uploads/{upload_id}"


async def _upload_read(upload: video_store.VideoUpload, ctx: video.VideoContext) -> UploadRead:
    arrived = await video.arrived_parts(upload, ctx)
    count = -(-upload.size // upload.part_size)
    have = {part.number for part in arrived}
    presigned = ctx.uploads.presigns_parts
    targets = []
    for number in range(1, count + 1):
        if number in have:
            continue
        if presigned:
            url = await video.part_url(upload, number, ctx, dt.timedelta(hours=1))
        else:
            url = (
                f"/olympiads/{upload.olympiad_id}/venues/{quote(upload.venue, safe='')}"
                f"/video/uploads/{upload.upload_id}/parts/{number}"
            )
        targets.append(PartTarget(number=number, url=url))
    return UploadRead(
        upload_id=upload.upload_id,
        part_size=upload.part_size,
        part_count=count,
        signed_urls=presigned,
        arrived=[ArrivedPart(number=p.number, size=p.size, md5=p.md5) for p in arrived],
        parts=targets,
    )


@router.post(
    "/{olympiad_id}/venues/{venue}/video/uploads",
    status_code=201,
    summary="Start a resumable upload of a room recording (same file again: the existing one)",
)
async def start_upload(
    olympiad_id: uuid.UUID,
    venue: str,
    body: UploadCreate,
    who: Uploader,
    runtime: RuntimeDep,
    ctx: Context,
    response: Response,
) -> UploadStartRead:
    command = video.StartUpload(
        olympiad_id=olympiad_id,
        venue=venue,
        room=body.room,
        camera=body.camera,
        subject_code=body.subject_code,
        round_code=body.round_code,
        file_name=body.file_name,
        size=body.size,
        sha256=body.sha256,
        claimed_start=body.claimed_start,
        actor=who.subject,
    )
    async with runtime.uows() as uow:
        started = await video.start_upload(command, uow, ctx)
    if started.existing is not None:
        response.status_code = 200
        return UploadStartRead(existing=RecordingRead.of(started.existing))
    assert started.upload is not None
    return UploadStartRead(upload=await _upload_read(started.upload, ctx))


@router.get(_UPLOAD, summary="An open upload: parts that arrived and where to send the rest")
async def get_upload(
    olympiad_id: uuid.UUID,
    venue: str,
    upload_id: str,
    who: Uploader,
    runtime: RuntimeDep,
    ctx: Context,
) -> UploadRead:
    async with runtime.uows() as uow:
        upload = await video.open_upload(olympiad_id, venue, upload_id, uow)
    return await _upload_read(upload, ctx)


@router.put(
    _UPLOAD + "/parts/{number}",
    summary="One part of an upload, through the service (local store)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        }
    },
)
async def put_part(
    olympiad_id: uuid.UUID,
    venue: str,
    upload_id: str,
    number: int,
    request: Request,
    who: Uploader,
    runtime: RuntimeDep,
    ctx: Context,
    response: Response,
) -> ArrivedPart:
    async with runtime.uows() as uow:
        upload = await video.open_upload(olympiad_id, venue, upload_id, uow)
    if ctx.uploads.presigns_parts:
        raise Problem(
            "Части этой загрузки отправляются по подписанным ссылкам хранилища: запросите их "
            "через GET загрузки.",
            status=409,
            type_="parts-go-to-store",
        )
    declared = int(request.headers.get("content-length") or 0)
    if declared > upload.part_size:
        raise Problem(
            f"Часть больше {upload.part_size} байт: делите файл на части этого размера.",
            status=413,
            type_="part-too-large",
        )
    data = await request.body()
    md5 = await video.write_part(upload, number, data, ctx)
    response.headers["ETag"] = f'"{md5}"'
    return ArrivedPart(number=number, size=len(data), md5=md5)


@router.post(
    _UPLOAD + "/complete",
    status_code=201,
    summary="Finish an upload: verify the checksum, read the file's facts and index it",
)
async def complete_upload(
    olympiad_id: uuid.UUID,
    venue: str,
    upload_id: str,
    body: UploadComplete,
    who: Uploader,
    runtime: RuntimeDep,
    ctx: Context,
    response: Response,
) -> CompletedRead:
    command = video_complete.CompleteUpload(
        olympiad_id=olympiad_id,
        venue=venue,
        upload_id=upload_id,
        parts=tuple(PartChecksum(p.number, p.md5) for p in body.parts),
        actor=who.subject,
    )
    async with runtime.uows() as uow:
        recording, new = await video_complete.complete_upload(command, uow, ctx)
    if not new:
        response.status_code = 200
    return CompletedRead(recording=RecordingRead.of(recording), duplicate=not new)


@router.get(
    "/{olympiad_id}/video/report",
    summary="Coverage and handover deadline of room video per venue and round (§21)",
)
async def coverage_report(
    olympiad_id: uuid.UUID,
    who: Reader,
    runtime: RuntimeDep,
    ctx: Context,
    venue: str,
    subject: str,
) -> CoverageReportRead:
    async with runtime.uows() as uow:
        name, rounds = await video_access.coverage_report(olympiad_id, venue, subject, uow, ctx)
    return CoverageReportRead(
        venue=name,
        subject_code=subject,
        complete=not any(r.findings for r in rounds),
        rounds=[RoundReportRead.of(r) for r in rounds],
    )


@router.get("/{olympiad_id}/recordings", summary="Find recordings by venue, room, subject, time")
async def search_recordings(
    olympiad_id: uuid.UUID,
    who: Reader,
    runtime: RuntimeDep,
    venue: str | None = None,
    room: str | None = None,
    subject: str | None = None,
    at: Annotated[dt.time | None, Query(description="local time of day, HH:MM")] = None,
) -> RecordingList:
    async with runtime.uows() as uow:
        found = await video_access.search(
            olympiad_id, uow, venue=venue, room=room, subject_code=subject, at=at
        )
    return RecordingList(count=len(found), recordings=[RecordingRead.of(r) for r in found])


@router.get(
    "/{olympiad_id}/recordings/{recording_id}/playback",
    summary="A short-lived signed link to watch or download a recording (audited)",
)
async def playback(
    olympiad_id: uuid.UUID,
    recording_id: uuid.UUID,
    who: Viewer,
    runtime: RuntimeDep,
    ctx: Context,
) -> PlaybackRead:
    media_path = f"/olympiads/{olympiad_id}/recordings/{recording_id}/media"
    async with runtime.uows() as uow:
        granted = await video_access.playback(olympiad_id, recording_id, who, uow, ctx, media_path)
    return PlaybackRead(url=granted.url, expires_at=granted.expires_at)


@router.get(
    "/{olympiad_id}/recordings/{recording_id}/media",
    summary="The recording's bytes behind a signed playback link (local store)",
    response_class=StreamingResponse,
)
async def media(
    olympiad_id: uuid.UUID,
    recording_id: uuid.UUID,
    who: LinkHolder,
    runtime: RuntimeDep,
    ctx: Context,
    viewer: str,
    expires: int,
    signature: str,
) -> StreamingResponse:
    grant = PlaybackGrant(recording_id, viewer, expires)
    async with runtime.uows() as uow:
        recording, body = await video_access.media(olympiad_id, grant, signature, uow, ctx)
    return StreamingResponse(
        body,
        media_type=video.content_type(recording.object_key),
        headers={
            "Content-Length": str(recording.size),
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(recording.file_name)}",
            "Cache-Control": "private, no-store",
        },
    )


@router.put(
    "/{olympiad_id}/video/retention",
    summary="How long the olympiad's room video is kept after each round, in days",
)
async def set_retention(
    olympiad_id: uuid.UUID, body: RetentionUpdate, who: Regional, runtime: RuntimeDep
) -> RetentionRead:
    async with runtime.uows() as uow:
        moved = await video_access.set_retention(olympiad_id, body.days, who.subject, uow)
    return RetentionRead(days=body.days, recordings_updated=moved)
