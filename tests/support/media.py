"""Real, tiny video files for tests (H.264 in MP4 through PyAV)."""

from __future__ import annotations

import datetime as dt
import os
from fractions import Fraction
from pathlib import Path

import av


def write_video(
    path: Path,
    *,
    seconds: int,
    fps: Fraction | int = 10,
    creation_time: dt.datetime | None,
    noise: bool = False,
) -> Path:
    """A real H.264 MP4; `noise` makes frames incompressible so the file spans several parts."""
    with av.open(str(path), "w", format="mp4") as out:
        if creation_time is not None:
            out.metadata["creation_time"] = creation_time.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        stream = out.add_stream("libx264", rate=fps)
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        for index in range(int(seconds * fps)):
            frame = av.VideoFrame(160, 120, "yuv420p")
            for plane in frame.planes:
                fill = os.urandom(plane.buffer_size) if noise else bytes([index * 11 % 256])
                plane.update(fill if noise else fill * plane.buffer_size)
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path
