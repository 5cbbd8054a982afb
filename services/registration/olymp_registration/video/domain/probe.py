"""What a recording is, read from the file itself with FFmpeg's libraries (PyAV): the client's
claims about duration, codec or start time are never taken on trust."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import av
import av.error

from olymp_registration.video.domain.errors import VideoError

# A truncated file still ends slightly short of its declared length because of the last frame's
# own duration and timestamp rounding; more than this is missing footage.
_END_TOLERANCE_S = 0.5
_HEAD_BYTES = 16


class RecordingRejected(VideoError):
    """A file that cannot be indexed as a room recording; `str()` is the Russian explanation.

    `kind` (the subclass name) tells a program why: NotAVideo or TruncatedRecording.
    """

    type_ = "recording-rejected"
    title = "Видеозапись не принята"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, kind=type(self).__name__)


class NotAVideo(RecordingRejected):
    pass


class TruncatedRecording(RecordingRejected):
    pass


@dataclass(frozen=True)
class MediaFacts:
    duration_s: float
    container: str  # FFmpeg's demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    video_codec: str
    width: int
    height: int
    creation_time: dt.datetime | None  # what the recorder wrote, UTC; check it, do not trust it
    size: int


def probe_recording(path: Path) -> MediaFacts:
    """Open, identify and demux `path` to its last packet. Blocking: run it in a worker thread."""
    size = path.stat().st_size
    try:
        container = av.open(str(path), metadata_errors="replace")
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        if _looks_like_media(path):
            raise _truncated(path, "заголовок файла не удалось прочитать до конца") from exc
        raise _not_a_video(path) from exc
    with container:
        if not container.streams.video:
            # A media container whose index went missing opens with no streams at all: that is
            # a file cut short (an MP4 keeps its index at the end), not a file of another kind.
            if not container.streams and _looks_like_media(path):
                raise _truncated(path, "не найден индекс файла")
            raise _not_a_video(path)
        stream = container.streams.video[0]
        packets, end_s = 0, 0.0
        try:
            for packet in container.demux(stream):
                if packet.size == 0 or packet.pts is None or packet.time_base is None:
                    continue
                packets += 1
                end_s = max(end_s, float((packet.pts + (packet.duration or 0)) * packet.time_base))
        except av.error.FFmpegError as exc:
            raise _truncated(path, f"чтение прервалось на {end_s:.1f} с") from exc
        declared_s = container.duration / av.time_base if container.duration else None
        if packets == 0:
            raise _not_a_video(path)
        if stream.frames and packets < stream.frames:
            raise _truncated(path, f"кадров {packets} из {stream.frames}")
        start_s = (
            float(stream.start_time * stream.time_base)
            if stream.start_time and stream.time_base
            else 0.0
        )
        if declared_s is not None and end_s - start_s < declared_s - _END_TOLERANCE_S:
            raise _truncated(path, f"записано {end_s:.1f} с из {declared_s:.1f} с")
        return MediaFacts(
            duration_s=declared_s if declared_s is not None else end_s - start_s,
            container=container.format.name,
            video_codec=stream.codec_context.name,
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            creation_time=_creation_time(container.metadata) or _creation_time(stream.metadata),
            size=size,
        )


def _creation_time(metadata: dict[str, str]) -> dt.datetime | None:
    raw = metadata.get("creation_time")
    if not raw:
        return None
    try:
        found = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    # FFmpeg writes and reads this tag in UTC; a tag without an offset means UTC too.
    if found.tzinfo is None:
        return found.replace(tzinfo=dt.UTC)
    return found.astimezone(dt.UTC)


def _looks_like_media(path: Path) -> bool:
    """Whether the file starts like a media container, so a failure to open it means damage."""
    with path.open("rb") as source:
        head = source.read(_HEAD_BYTES)
    return (
        head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free")  # MP4 / QuickTime
        or head.startswith(b"\x1a\x45\xdf\xa3")  # Matroska / WebM
        or (head.startswith(b"RIFF") and head[8:12] == b"AVI ")
        or head.startswith((b"\x00\x00\x01\xba", b"FLV"))  # MPEG-PS, Flash video
    )


def _not_a_video(path: Path) -> NotAVideo:
    return NotAVideo(
        f"Файл «{path.name}» не является видеозаписью: в нём не найден видеопоток. "
        "Загрузите исходный файл видеорегистратора аудитории."
    )


def _truncated(path: Path, detail: str) -> TruncatedRecording:
    return TruncatedRecording(
        f"Видеозапись «{path.name}» обрезана ({detail}): файл не дочитывается до конца. "
        "Скопируйте файл с видеорегистратора заново и загрузите его целиком."
    )
