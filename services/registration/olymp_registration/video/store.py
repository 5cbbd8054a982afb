"""Tables and repository functions of room video: open uploads, the recordings index, retention."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_registration.store import metadata

UPLOAD_OPEN = "open"
UPLOAD_COMPLETED = "completed"
UPLOAD_REJECTED = "rejected"

video_uploads = sa.Table(
    "video_uploads",
    metadata,
    sa.Column("upload_id", sa.Text, primary_key=True),
    sa.Column(
        "olympiad_id", UUID(as_uuid=True), sa.ForeignKey("olympiads.olympiad_id"), nullable=False
    ),
    sa.Column("venue", sa.Text, nullable=False),
    sa.Column("room", sa.Text, nullable=False),
    sa.Column("camera", sa.Text, nullable=False),
    sa.Column("subject_code", sa.Text, nullable=False),
    sa.Column("round_code", sa.Text, nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("part_size", sa.BigInteger, nullable=False),
    sa.Column("object_key", sa.Text, nullable=False),
    sa.Column("claimed_start", sa.DateTime(timezone=True)),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("outcome", sa.Text, nullable=False, server_default=""),
    sa.Column("started_by", sa.Text, nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
)

recordings = sa.Table(
    "recordings",
    metadata,
    sa.Column("recording_id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "olympiad_id", UUID(as_uuid=True), sa.ForeignKey("olympiads.olympiad_id"), nullable=False
    ),
    sa.Column("venue", sa.Text, nullable=False),
    sa.Column("room", sa.Text, nullable=False),
    sa.Column("camera", sa.Text, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("subject_code", sa.Text, nullable=False),
    sa.Column("round_code", sa.Text, nullable=False),
    sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
    # "media": creation_time of the file; "claimed": the uploader's word; "schedule": neither
    sa.Column("start_source", sa.Text, nullable=False),
    sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("duration_s", sa.Float, nullable=False),
    sa.Column("media", JSONB, nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("uploaded_by", sa.Text, nullable=False),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("object_key", sa.Text, nullable=False),
    sa.Column("flags", JSONB, nullable=False),
    sa.Column("round_ends_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("olympiad_id", "sha256", name="recordings_once"),
    sa.Index("recordings_by_room", "olympiad_id", "venue", "subject_code", "room"),
    sa.Index("recordings_by_expiry", "expires_at"),
)

video_retention = sa.Table(
    "video_retention",
    metadata,
    sa.Column(
        "olympiad_id", UUID(as_uuid=True), sa.ForeignKey("olympiads.olympiad_id"), primary_key=True
    ),
    sa.Column("days", sa.Integer, nullable=False),
    sa.Column("set_by", sa.Text, nullable=False),
    sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class VideoUpload:
    upload_id: str
    olympiad_id: uuid.UUID
    venue: str
    room: str
    camera: str
    subject_code: str
    round_code: str
    file_name: str
    size: int
    sha256: str
    part_size: int
    object_key: str
    claimed_start: dt.datetime | None
    status: str
    started_by: str
    started_at: dt.datetime
    outcome: str = ""


@dataclass(frozen=True)
class Recording:
    """One indexed recording. The API shows it as it is (`schemas.RecordingList` and the rest), less
    the fields marked excluded, which only the service needs; its fields are written only here."""

    recording_id: uuid.UUID
    olympiad_id: Annotated[uuid.UUID, Field(exclude=True)]
    venue: str
    room: str
    camera: str
    day: dt.date
    subject_code: str
    round_code: str
    starts_at: dt.datetime
    start_source: str
    ends_at: dt.datetime
    duration_s: float
    file_name: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: dt.datetime
    object_key: str
    round_ends_at: Annotated[dt.datetime, Field(exclude=True)]  # retention counts from it
    expires_at: dt.datetime
    flags: tuple[str, ...] = ()
    media: dict[str, Any] = field(default_factory=dict)


async def add_upload(session: AsyncSession, upload: VideoUpload) -> None:
    await session.execute(sa.insert(video_uploads).values(**_values(upload)))


async def get_upload(session: AsyncSession, upload_id: str) -> VideoUpload | None:
    row = (
        await session.execute(
            sa.select(video_uploads).where(video_uploads.c.upload_id == upload_id)
        )
    ).first()
    return VideoUpload(**row._mapping) if row else None


async def close_upload(session: AsyncSession, upload_id: str, status: str, outcome: str) -> None:
    await session.execute(
        sa.update(video_uploads)
        .where(video_uploads.c.upload_id == upload_id)
        .values(status=status, outcome=outcome)
    )


async def add_recording(session: AsyncSession, recording: Recording) -> None:
    values = _values(recording)
    values["flags"] = list(recording.flags)
    await session.execute(sa.insert(recordings).values(**values))


def _recording(row: Any) -> Recording:
    values = dict(row._mapping)
    values["flags"] = tuple(values["flags"])
    return Recording(**values)


async def get_recording(session: AsyncSession, recording_id: uuid.UUID) -> Recording | None:
    row = (
        await session.execute(
            sa.select(recordings).where(recordings.c.recording_id == recording_id)
        )
    ).first()
    return _recording(row) if row else None


async def recording_by_checksum(
    session: AsyncSession, olympiad_id: uuid.UUID, sha256: str
) -> Recording | None:
    row = (
        await session.execute(
            sa.select(recordings).where(
                recordings.c.olympiad_id == olympiad_id, recordings.c.sha256 == sha256
            )
        )
    ).first()
    return _recording(row) if row else None


async def find_recordings(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    *,
    venue: str | None = None,
    room: str | None = None,
    subject_code: str | None = None,
) -> list[Recording]:
    query = sa.select(recordings).where(recordings.c.olympiad_id == olympiad_id)
    for column, value in (
        (recordings.c.venue, venue),
        (recordings.c.room, room),
        (recordings.c.subject_code, subject_code),
    ):
        if value is not None:
            query = query.where(column == value)
    query = query.order_by(recordings.c.venue, recordings.c.room, recordings.c.starts_at)
    return [_recording(row) for row in await session.execute(query)]


async def expired_recordings(
    session: AsyncSession, now: dt.datetime, limit: int
) -> list[Recording]:
    rows = await session.execute(
        sa.select(recordings)
        .where(recordings.c.expires_at <= now)
        .order_by(recordings.c.expires_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [_recording(row) for row in rows]


async def delete_recording(session: AsyncSession, recording_id: uuid.UUID) -> None:
    await session.execute(sa.delete(recordings).where(recordings.c.recording_id == recording_id))


async def retention_days(session: AsyncSession, olympiad_id: uuid.UUID) -> int | None:
    days: int | None = await session.scalar(
        sa.select(video_retention.c.days).where(video_retention.c.olympiad_id == olympiad_id)
    )
    return days


async def set_retention(
    session: AsyncSession, olympiad_id: uuid.UUID, days: int, *, by: str, at: dt.datetime
) -> int:
    """Store the period and move every recording's expiry with it; returns how many moved."""
    statement = pg_insert(video_retention).values(
        olympiad_id=olympiad_id, days=days, set_by=by, set_at=at
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[video_retention.c.olympiad_id],
            set_={"days": days, "set_by": by, "set_at": at},
        )
    )
    result = await session.execute(
        sa.update(recordings)
        .where(recordings.c.olympiad_id == olympiad_id)
        .values(expires_at=recordings.c.round_ends_at + dt.timedelta(days=days))
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _values(item: Any) -> dict[str, Any]:
    return {name: getattr(item, name) for name in item.__dataclass_fields__}
