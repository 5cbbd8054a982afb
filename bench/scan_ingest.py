"""Scan ingest end to end: N synthetic A4 pages at 300 dpi (JPEG) -> upload -> code read -> stored -> event.

Pages are generated first (not timed) into a folder, as a scan station would leave them. Then every
file goes through the coding service's upload handler (`olymp_coding.scans.handlers.ingest`, what
`POST /olympiads/{id}/scans` calls) against a real PostgreSQL database (a throwaway one) and a
LocalDirectoryStore: split and label reading in the service's thread pool, the object put, the page
row, the `PageScanned` event in the outbox and the audit entry in one transaction per file. Several
uploads run at once, as several stations would. The broker relay is not in the loop: an event
counts once it is in the outbox, committed with its page.
The last line printed is one JSON object: pages, pages_per_s, read_ms_p50, read_ms_p99, peak_rss_mb.

    .venv/bin/python bench/scan_ingest.py --pages 400
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import resource
import statistics
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import segno
import sqlalchemy as sa
from PIL import Image, ImageDraw
from sqlalchemy.ext.asyncio import async_sessionmaker

from olymp_coding import store as coding_store
from olymp_coding.domain import generate_code
from olymp_coding.scans.domain import (
    Outcome,
    answer_payload,
    read_code,
    split_document,
    title_payload,
)
from olymp_coding.scans.handlers import RetentionKeeper, ScanDesk, Upload, ingest
from olymp_coding.settings import CodingSettings
from olymp_core.auth import Principal, Role
from olymp_core.clock import SystemClock
from olymp_core.db import UnitOfWorkFactory, make_engine
from olymp_core.events.tables import outbox
from olymp_core.migrations import upgrade
from olymp_core.storage import LocalDirectoryStore
from olymp_core.testing.databases import temporary_database

DPI = 300
A4_PX = (round(210 / 25.4 * DPI), round(297 / 25.4 * DPI))
PAPER = 235
BACKGROUNDS = 6  # distinct handwriting backgrounds; every page still gets its own label and bytes
OLYMPIAD = uuid.UUID("0b5e0000-0000-4000-8000-000000002025")
SUBJECT = "math"


def _background(seed: int) -> Image.Image:
    rng = random.Random(seed)
    page = Image.new("L", A4_PX, PAPER)
    draw = ImageDraw.Draw(page)
    width, height = A4_PX
    for y in range(height // 6, height - 150, 90):
        x = width // 12
        while x < width * 11 // 12:
            stroke = [(x + i * 6, y + rng.randint(-15, 15)) for i in range(rng.randint(4, 14))]
            draw.line(stroke, fill=rng.randint(10, 90), width=3)
            x = stroke[-1][0] + rng.randint(20, 50)
    return page


def _make_pages(args: tuple[Path, list[tuple[int, str]]]) -> None:
    folder, jobs = args
    backgrounds = [_background(seed) for seed in range(BACKGROUNDS)]
    for number, payload in jobs:
        page = backgrounds[number % BACKGROUNDS].copy()
        buffer = io.BytesIO()
        # A 30 mm label: 33 modules (with quiet zone) of 11 px at 300 dpi.
        segno.make(payload, error="q", micro=False, boost_error=False).save(
            buffer, kind="png", scale=11, border=4
        )
        label = (
            Image.open(io.BytesIO(buffer.getvalue()))
            .convert("L")
            .point(lambda v: 20 if v < 128 else PAPER)
        )
        page.paste(label, (A4_PX[0] - label.width - 100, 100))
        # A page number in ink keeps every page's bytes distinct, like real handwriting would.
        ImageDraw.Draw(page).text((150, 150), f"{number}", fill=30)
        if number % 10 == 7:
            page = page.rotate(180)
        page.save(folder / f"page-{number:05d}.jpg", format="JPEG", quality=85)


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux reports kilobytes


async def _register_works(uows: UnitOfWorkFactory, codes: list[str]) -> None:
    async with uows() as uow:
        for code in codes:
            await coding_store.insert_work(
                uow.session,
                work_id=uuid.uuid4(),
                olympiad_id=OLYMPIAD,
                participant_id=uuid.uuid4(),
                subject_code=SUBJECT,
                task_grade=9,
                work_code=code,
                coded=True,
                at=uow.clock.now(),
            )
        await uow.commit()


async def _ingest_all(
    database_url: str,
    store_dir: Path,
    files: list[Path],
    known: list[str],
    options: argparse.Namespace,
) -> tuple[float, dict[str, int], int]:
    await asyncio.to_thread(upgrade, "olymp_coding", database_url)
    settings = CodingSettings(profile="test", database_url=database_url)
    engine = make_engine(database_url, pool_size=options.uploads + 2)
    uows = UnitOfWorkFactory(async_sessionmaker(engine, expire_on_commit=False), SystemClock())
    local = LocalDirectoryStore(store_dir)
    desk = ScanDesk(
        pool=ThreadPoolExecutor(options.workers, thread_name_prefix="scan"),
        objects=local,
        retention=RetentionKeeper(local),
        retention_years=1,
        window=settings.scan_window,
        code_prefix="",
        links=settings.link_signer(),
        link_ttl_s=300,
    )
    await _register_works(uows, known)
    station = Principal("bench", frozenset({Role.SCANNER}))
    outcomes: dict[str, int] = dict.fromkeys((o.value for o in Outcome), 0)
    gate = asyncio.Semaphore(options.uploads)

    async def one(path: Path) -> None:
        async with gate:
            data = await asyncio.to_thread(path.read_bytes)
            upload = Upload(OLYMPIAD, SUBJECT, path.name, data)
            async with uows() as uow:
                report = await ingest(upload, uow, station, desk=desk)
            for page in report.pages:
                outcomes[page.outcome.value] += 1

    started = time.perf_counter()
    await asyncio.gather(*(one(path) for path in files))
    elapsed = time.perf_counter() - started
    async with engine.connect() as connection:
        events = int(await connection.scalar(sa.select(sa.func.count()).select_from(outbox)) or 0)
    await engine.dispose()
    desk.pool.shutdown()
    return elapsed, outcomes, events


def _read_times(files: list[Path]) -> list[float]:
    """Code reading alone (reduced JPEG decode + zxing), per page, on fresh pages."""
    times = []
    for path in files:
        for page in split_document(path.read_bytes(), path.name):
            started = time.perf_counter()
            read_code(page)
            times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="scan threads")
    parser.add_argument("--uploads", type=int, default=8, help="uploads in flight at once")
    options = parser.parse_args()

    rng = random.Random(2025)
    codes: list[str] = []
    issued: set[str] = set()
    while len(codes) * 5 < options.pages:
        codes.append(generate_code(rng, issued))
        issued.add(codes[-1])
    payloads = [
        title_payload(code) if sheet == 0 else answer_payload(code, sheet)
        for code in codes
        for sheet in range(5)
    ][: options.pages]

    with tempfile.TemporaryDirectory() as temp, ProcessPoolExecutor(options.workers) as pool:
        folder, store_dir = Path(temp) / "upload", Path(temp) / "store"
        folder.mkdir()
        store_dir.mkdir()
        started = time.perf_counter()
        jobs = list(enumerate(payloads))
        shares = [jobs[worker :: options.workers] for worker in range(options.workers)]
        list(pool.map(_make_pages, [(folder, share) for share in shares]))
        files = sorted(folder.iterdir())
        megabytes = sum(path.stat().st_size for path in files) / 2**20
        print(
            f"generated {len(files)} pages ({megabytes:.0f} MB of JPEG) in {time.perf_counter() - started:.1f} s"
        )

        # Known codes: all but the last work, so the last work's pages exercise the manual queue.
        async def run() -> tuple[float, dict[str, int], int]:
            async with temporary_database("bench") as database_url:
                return await _ingest_all(database_url, store_dir, files, codes[:-1], options)

        elapsed, by_destination, events = asyncio.run(run())
        read_ms = _read_times(files[: min(len(files), 200)])

    pages = sum(by_destination.values())
    pages_per_s = pages / elapsed
    p50 = statistics.median(read_ms)
    p99 = read_ms[min(len(read_ms) - 1, round(0.99 * (len(read_ms) - 1)))]
    print(
        f"ingested {pages} pages end to end in {elapsed:.2f} s ({options.workers} scan threads, "
        f"{options.uploads} uploads in flight): {pages_per_s:.1f} pages/s"
    )
    print(f"outcomes: {by_destination}; PageScanned events in the outbox: {events}")
    print(f"code read per page (reduced JPEG decode + zxing): p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    print(f"peak RSS (largest process): {_peak_rss_mb():.0f} MB")
    print(
        json.dumps(
            {
                "pages": pages,
                "pages_per_s": round(pages_per_s, 1),
                "read_ms_p50": round(p50, 2),
                "read_ms_p99": round(p99, 2),
                "peak_rss_mb": round(_peak_rss_mb(), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
