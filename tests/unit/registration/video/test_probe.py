"""The facts of a recording come from the file: real, tiny videos generated with PyAV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import av
import pytest

from olymp_registration.video.domain.probe import (
    NotAVideo,
    TruncatedRecording,
    probe_recording,
)

RECORDER_START = "2025-10-15T05:00:00.000000Z"


def write_video(
    path: Path,
    *,
    codec: str = "libx264",
    seconds: int = 2,
    fps: int = 10,
    creation_time: str | None = RECORDER_START,
    options: dict[str, str] | None = None,
) -> Path:
    with av.open(str(path), "w", format="mp4", options=options or {}) as out:
        if creation_time:
            out.metadata["creation_time"] = creation_time
        stream = out.add_stream(codec, rate=fps)
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        for index in range(seconds * fps):
            frame = av.VideoFrame(160, 120, "yuv420p")
            for plane in frame.planes:  # a brightness ramp: frames differ, so none is skipped
                plane.update(bytes([(index * 11) % 256]) * plane.buffer_size)
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


@pytest.mark.parametrize(("codec", "expected"), [("libx264", "h264"), ("mpeg4", "mpeg4")])
def test_facts_are_read_from_the_file(tmp_path: Path, codec: str, expected: str) -> None:
    path = write_video(tmp_path / "room-12.mp4", codec=codec, seconds=3)

    facts = probe_recording(path)

    assert facts.duration_s == pytest.approx(3.0, abs=0.05)
    assert facts.video_codec == expected
    assert (facts.width, facts.height) == (160, 120)
    assert "mp4" in facts.container
    assert facts.creation_time == dt.datetime(2025, 10, 15, 5, 0, tzinfo=dt.UTC)
    assert facts.size == path.stat().st_size


def test_a_recording_without_creation_time_has_none(tmp_path: Path) -> None:
    facts = probe_recording(write_video(tmp_path / "room-3.mp4", creation_time=None))

    assert facts.creation_time is None


def test_a_text_file_named_mp4_is_not_a_video(tmp_path: Path) -> None:
    path = tmp_path / "room-12.mp4"
    path.write_text("Протокол проведения олимпиады\n" * 20, encoding="utf-8")

    with pytest.raises(NotAVideo, match="не является видеозаписью") as rejected:
        probe_recording(path)
    assert "room-12.mp4" in str(rejected.value)


def test_an_audio_only_file_is_not_a_video(tmp_path: Path) -> None:
    path = tmp_path / "sound.mp4"
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=8000)
        assert isinstance(stream, av.AudioStream)
        frame = av.AudioFrame(format="fltp", layout="mono", samples=1024)
        frame.planes[0].update(bytes(frame.planes[0].buffer_size))
        frame.sample_rate, frame.pts = 8000, 0
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))

    with pytest.raises(NotAVideo):
        probe_recording(path)


def test_an_mp4_cut_before_its_index_is_truncated(tmp_path: Path) -> None:
    whole = write_video(tmp_path / "whole.mp4").read_bytes()
    cut = tmp_path / "room-12.mp4"
    cut.write_bytes(whole[: len(whole) // 2])

    with pytest.raises(TruncatedRecording, match="обрезана"):
        probe_recording(cut)


def test_an_mp4_with_its_index_first_cut_in_the_frames_is_truncated(tmp_path: Path) -> None:
    whole = write_video(
        tmp_path / "whole.mp4", seconds=3, options={"movflags": "faststart"}
    ).read_bytes()
    assert whole[4:8] == b"ftyp" and whole.find(b"moov") < whole.find(b"mdat")
    cut = tmp_path / "room-12.mp4"
    cut.write_bytes(whole[: len(whole) * 2 // 3])

    with pytest.raises(TruncatedRecording, match="обрезана"):
        probe_recording(cut)
