"""Upload a generated multi-gigabyte recording to the local store and to S3 with the resumable
uploader; compare with a plain file copy on the same disk and report peak memory.

    .venv/bin/python bench/video_upload.py [--size-gb 2] [--dir /tmp]

The S3 server (moto on loopback) runs in a child process, so the peak RSS printed is the
uploader's alone. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from olymp_core.storage import LocalDirectoryStore, open_store
from olymp_core.storage.multipart import resumable_uploads, upload_file

MIB = 1 << 20
_S3_SERVER = (
    "import sys\n"
    "from olymp_core.testing.s3server import start_loopback_s3\n"
    "server = start_loopback_s3('olymp-bench')\n"
    "print(server.url, flush=True)\n"
    "sys.stdin.read()\n"
)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def generate(path: Path, size: int) -> None:
    """Random 1 MiB blocks reused with a per-block stamp: not all zeros, and fast to write."""
    rng = random.Random(21)
    blocks = [bytearray(rng.randbytes(MIB)) for _ in range(16)]
    with path.open("wb") as out:
        for index in range(-(-size // MIB)):
            block = blocks[index % len(blocks)]
            block[:8] = index.to_bytes(8, "little")
            out.write(block[: min(MIB, size - index * MIB)])


def rate(size: int, seconds: float) -> float:
    return size / MIB / seconds


async def upload(path: Path, size: int, store_url: str | None, root: Path) -> float:
    store = open_store(store_url) if store_url else LocalDirectoryStore(root)
    await store.ensure_ready()
    started = time.perf_counter()
    report = await upload_file(path, resumable_uploads(store), "video/bench/room-12.mp4")
    elapsed = time.perf_counter() - started
    assert report.info.size == size and report.parts_sent > 0
    await store.delete(report.info.key)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-gb", type=float, default=2.0)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    size = int(args.size_gb * (1 << 30))
    work = Path(tempfile.mkdtemp(prefix="olymp-video-bench-", dir=args.dir))
    server = subprocess.Popen(
        [sys.executable, "-c", _S3_SERVER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        source = work / "recording.mp4"
        generate(source, size)
        print(
            f"file: {size / MIB:.0f} MiB at {source}; peak RSS after generating {peak_rss_mb():.1f} MB"
        )

        started = time.perf_counter()
        shutil.copyfile(source, work / "copy.mp4")
        copy_rate = rate(size, time.perf_counter() - started)
        os.unlink(work / "copy.mp4")
        print(f"plain copy:   {copy_rate:8.1f} MB/s")

        local_rate = rate(size, asyncio.run(upload(source, size, None, work / "store")))
        print(f"local store:  {local_rate:8.1f} MB/s  peak RSS {peak_rss_mb():.1f} MB")

        assert server.stdout is not None
        s3_url = server.stdout.readline().strip()
        s3_rate = rate(size, asyncio.run(upload(source, size, s3_url, work)))
        print(f"S3 multipart: {s3_rate:8.1f} MB/s  peak RSS {peak_rss_mb():.1f} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    print(
        json.dumps(
            {
                "bytes": size,
                "mb_per_s": round(s3_rate, 1),
                "local_mb_per_s": round(local_rate, 1),
                "copy_mb_per_s": round(copy_rate, 1),
                "peak_rss_mb": round(peak_rss_mb(), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
