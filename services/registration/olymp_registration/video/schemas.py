"""Request and response bodies of the room video API.

A recording is shown as the index holds it (`store.Recording`), so its fields are written once.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from olymp_registration.video.domain.coverage import HANDOVER_WITHIN
from olymp_registration.video.handlers import RoundReport
from olymp_registration.video.store import Recording


class UploadCreate(BaseModel):
    room: str = Field(min_length=1, max_length=200)
    camera: str = Field(default="", max_length=100)
    subject_code: str
    round_code: str | None = None
    file_name: str = Field(min_length=1, max_length=200)
    # bounded by the service (`video_max_bytes`, and S3's 10,000 parts), with a clear refusal
    size: int = Field(gt=0)
    sha256: str
    # The recorder's start as the uploader knows it; used only when the file carries no
    # creation time of its own.
    claimed_start: dt.datetime | None = None


class PartTarget(BaseModel):
    number: int
    url: str


class ArrivedPart(BaseModel):
    number: int
    size: int
    md5: str


class UploadRead(BaseModel):
    upload_id: str
    part_size: int
    part_count: int
    # True: PUT each part to its URL as is (signed, no token); False: PUT to the service's URL
    # with the bearer token.
    signed_urls: bool
    arrived: list[ArrivedPart]
    # Missing parts from `from_part` on, at most a page of them (signing links takes time and a
    # large file has thousands of parts); GET the upload with `from_part=next_part` for the rest.
    parts: list[PartTarget]
    next_part: int | None = None


class UploadStartRead(BaseModel):
    """Either a fresh upload, or — for a file already indexed — the existing recording."""

    upload: UploadRead | None = None
    existing: Recording | None = None


class PartChecksumBody(BaseModel):
    number: int = Field(ge=1, le=10_000)
    md5: str = Field(pattern=r"^[0-9a-f]{32}$")


class UploadComplete(BaseModel):
    parts: list[PartChecksumBody] = Field(min_length=1)


class CompletedRead(BaseModel):
    recording: Recording
    duplicate: bool  # True: this file had already been indexed; nothing new was stored


class FindingRead(BaseModel):
    kind: str
    room: str
    message: str
    recording: str | None


class RoomCount(BaseModel):
    room: str
    recordings: int


class RoundReportRead(BaseModel):
    round_code: str
    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    packing_ends_at: dt.datetime
    handover_deadline: dt.datetime
    rooms: list[RoomCount]
    findings: list[FindingRead]

    @classmethod
    def of(cls, report: RoundReport) -> RoundReportRead:
        window = report.window
        return cls(
            round_code=report.round_code,
            day=report.day,
            starts_at=window.starts_at,
            ends_at=window.ends_at,
            packing_ends_at=window.packing_ends_at,
            handover_deadline=window.ends_at + HANDOVER_WITHIN,
            rooms=[RoomCount(room=room, recordings=n) for room, n in report.rooms],
            findings=[
                FindingRead(
                    kind=f.kind.value, room=f.room, message=f.message, recording=f.recording
                )
                for f in report.findings
            ],
        )


class CoverageReportRead(BaseModel):
    venue: str
    subject_code: str
    complete: bool  # no findings in any round
    rounds: list[RoundReportRead]


class RecordingList(BaseModel):
    count: int
    recordings: list[Recording]


class PlaybackRead(BaseModel):
    url: str
    expires_at: dt.datetime


class RetentionUpdate(BaseModel):
    days: int


class RetentionRead(BaseModel):
    days: int
    recordings_updated: int
