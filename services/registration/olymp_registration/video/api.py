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
from olymp_core.dependencies import Uow, context
from olymp_core.errors import ErrorMap
from olymp_core.request_limits import body_limit
from olymp_core.storage.multipart import MAX_PARTS, PartChecksum
from olymp_registration.video import handlers
from olymp_registration.video.domain.errors import (
    ChecksumMismatch,
    InvalidChecksum,
    InvalidFileName,
    InvalidPart,
    InvalidRetention,
    PartsGoToStore,
    PartTooLarge,
    RecordingNotFound,
    RecordingTooLarge,
    RoomNotFound,
    RoundNotScheduled,
    SubjectNotInSchedule,
    UploadClosed,
    UploadIncomplete,
    UploadNotFound,
    VenueNotFound,
    VideoError,
)
from olymp_registration.video.domain.placement import content_type
from olymp_registration.video.domain.probe import RecordingRejected
from olymp_registration.video.handlers import VideoContext
from olymp_registration.video.schemas import (
    ArrivedPart,
    CompletedRead,
    CoverageReportRead,
    PartTarget,
    PlaybackRead,
    RecordingList,
    RetentionRead,
    RetentionUpdate,
    RoundReportRead,
    UploadComplete,
    UploadCreate,
    UploadRead,
    UploadStartRead,
)

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
Video = Annotated[VideoContext, Depends(context(VideoContext))]

# Merged into the service's map in `main.build`. VenueOutOfScope and PlaybackLinkInvalid are
# NotPermitted: 403 by the core's map; SubjectNotInSchedule is named in the request, not the path.
ERRORS: ErrorMap = {
    VideoError: 422,
    RoomNotFound: 422,
    SubjectNotInSchedule: 422,
    RoundNotScheduled: 422,
    InvalidChecksum: 422,
    InvalidFileName: 422,
    RecordingTooLarge: 422,
    InvalidPart: 422,
    ChecksumMismatch: 422,
    UploadIncomplete: 422,
    RecordingRejected: 422,
    InvalidRetention: 422,
    VenueNotFound: 404,
    UploadNotFound: 404,
    RecordingNotFound: 404,
    UploadClosed: 409,
    PartsGoToStore: 409,
    PartTooLarge: 413,
}

_UPLOAD = "/{olympiad_id}/venues/{venue}/video/uploads/{upload_id}"


def _upload_read(progress: handlers.UploadProgress) -> UploadRead:
    upload = progress.upload
    service_url = (
        f"/olympiads/{upload.olympiad_id}/venues/{quote(upload.venue, safe='')}"
        f"/video/uploads/{upload.upload_id}/parts/"
    )
    return UploadRead(
        upload_id=upload.upload_id,
        part_size=upload.part_size,
        part_count=progress.part_count,
        signed_urls=progress.presigned,
        arrived=[ArrivedPart(number=p.number, size=p.size, md5=p.md5) for p in progress.arrived],
        parts=[
            PartTarget(number=number, url=url or f"{service_url}{number}")
            for number, url in progress.targets.items()
        ],
        next_part=progress.next_part,
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
    uow: Uow,
    video: Video,
    response: Response,
) -> UploadStartRead:
    command = handlers.StartUpload(
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
    )
    started = await handlers.start_upload(command, uow, who, video=video)
    if started.existing is not None:
        response.status_code = 200
        return UploadStartRead(existing=started.existing)
    assert started.upload is not None
    progress = await handlers.upload_progress(started.upload, video=video)
    return UploadStartRead(upload=_upload_read(progress))


@router.get(_UPLOAD, summary="An open upload: parts that arrived and where to send the rest")
async def get_upload(
    olympiad_id: uuid.UUID,
    venue: str,
    upload_id: str,
    who: Uploader,
    uow: Uow,
    video: Video,
    from_part: Annotated[
        int, Query(ge=1, le=MAX_PARTS, description="First part number of the page of links")
    ] = 1,
) -> UploadRead:
    upload = await handlers.open_upload(olympiad_id, venue, upload_id, uow)
    return _upload_read(await handlers.upload_progress(upload, video=video, from_part=from_part))


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
@body_limit(setting="video_part_size")
async def put_part(
    olympiad_id: uuid.UUID,
    venue: str,
    upload_id: str,
    number: int,
    request: Request,
    who: Uploader,
    uow: Uow,
    video: Video,
    response: Response,
) -> ArrivedPart:
    declared = int(request.headers.get("content-length") or 0)
    upload = await handlers.upload_for_part(
        olympiad_id, venue, upload_id, declared, uow, video=video
    )
    data = await request.body()  # read only once the upload admits a part of this size
    md5 = await handlers.write_part(upload, number, data, video=video)
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
    uow: Uow,
    video: Video,
    response: Response,
) -> CompletedRead:
    command = handlers.CompleteUpload(
        olympiad_id=olympiad_id,
        venue=venue,
        upload_id=upload_id,
        parts=tuple(PartChecksum(p.number, p.md5) for p in body.parts),
    )
    recording, new = await handlers.complete_upload(command, uow, who, video=video)
    if not new:
        response.status_code = 200
    return CompletedRead(recording=recording, duplicate=not new)


@router.get(
    "/{olympiad_id}/video/report",
    summary="Coverage and handover deadline of room video per venue and round (§21)",
)
async def coverage_report(
    olympiad_id: uuid.UUID, who: Reader, uow: Uow, video: Video, venue: str, subject: str
) -> CoverageReportRead:
    name, rounds = await handlers.coverage_report(olympiad_id, venue, subject, uow, video=video)
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
    uow: Uow,
    venue: str | None = None,
    room: str | None = None,
    subject: str | None = None,
    at: Annotated[dt.time | None, Query(description="local time of day, HH:MM")] = None,
) -> RecordingList:
    found = await handlers.search(
        olympiad_id, uow, venue=venue, room=room, subject_code=subject, at=at
    )
    return RecordingList(count=len(found), recordings=found)


@router.get(
    "/{olympiad_id}/recordings/{recording_id}/playback",
    summary="A short-lived signed link to watch or download a recording (audited)",
)
async def playback(
    olympiad_id: uuid.UUID, recording_id: uuid.UUID, who: Viewer, uow: Uow, video: Video
) -> PlaybackRead:
    media_path = f"/olympiads/{olympiad_id}/recordings/{recording_id}/media"
    command = handlers.GrantPlayback(olympiad_id, recording_id, media_path)
    granted = await handlers.grant_playback(command, uow, who, video=video)
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
    uow: Uow,
    video: Video,
    viewer: str,
    expires: int,
    signature: str,
) -> StreamingResponse:
    command = handlers.OpenMedia(olympiad_id, recording_id, viewer, expires, signature)
    recording, body = await handlers.open_media(command, uow, video=video)
    return StreamingResponse(
        body,
        media_type=content_type(recording.object_key),
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
    olympiad_id: uuid.UUID, body: RetentionUpdate, who: Regional, uow: Uow
) -> RetentionRead:
    command = handlers.SetRetention(olympiad_id, body.days)
    moved = await handlers.set_retention(command, uow, who)
    return RetentionRead(days=body.days, recordings_updated=moved)
