"""Scan ingest: N synthetic A4 pages at 300 dpi (JPEG) -> split -> read code -> route -> object store.

Pages are generated first (not timed) into a folder, as a scan station would leave them; then a pool
of worker processes, one per core, takes them in batches: each worker reads the file, splits it,
reads the label from a reduced JPEG decode, routes the page and puts it into a LocalDirectoryStore.
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
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import segno
from PIL import Image, ImageDraw

from olymp_coding.domain import generate_code
from olymp_coding.scanning import (
    Destination,
    answer_payload,
    content_hash,
    page_key,
    read_code,
    route_page,
    split_document,
    title_payload,
)
from olymp_core.storage import LocalDirectoryStore

DPI = 300
A4_PX = (round(210 / 25.4 * DPI), round(297 / 25.4 * DPI))
PAPER = 235
BACKGROUNDS = 6  # distinct handwriting backgrounds; every page still gets its own label and bytes
BATCH = 20
OLYMPIAD = "bench-2025"
SUBJECT_PREFIX = "MA"


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


def _ingest(args: tuple[Path, list[Path], frozenset[str]]) -> list[tuple[float, str]]:
    store_dir, files, known = args
    store = LocalDirectoryStore(store_dir)
    results: list[tuple[float, str]] = []
    stored: list[tuple[str, bytes, str]] = []
    for path in files:
        for page in split_document(path.read_bytes(), path.name):
            started = time.perf_counter()
            read = read_code(page)
            read_ms = (time.perf_counter() - started) * 1000
            routing = route_page(read, SUBJECT_PREFIX, known)
            key = page_key(
                OLYMPIAD, content_hash(page.data), page.extension, title_page=routing.title_page
            )
            stored.append((key, page.data, page.content_type))
            results.append((read_ms, routing.destination.value))

    async def put_all() -> None:
        for key, data, content_type in stored:
            await store.put(key, data, content_type=content_type)

    asyncio.run(put_all())
    return results


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux reports kilobytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    options = parser.parse_args()

    rng = random.Random(2025)
    codes: list[str] = []
    issued: set[str] = set()
    while len(codes) * 5 < options.pages:
        codes.append(generate_code(rng, issued, SUBJECT_PREFIX))
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
        known = frozenset(codes[:-1])
        batches = [files[start : start + BATCH] for start in range(0, len(files), BATCH)]
        started = time.perf_counter()
        outcomes = [
            outcome
            for batch in pool.map(_ingest, [(store_dir, batch, known) for batch in batches])
            for outcome in batch
        ]
        elapsed = time.perf_counter() - started

    read_ms = sorted(ms for ms, _ in outcomes)
    by_destination = {
        destination.value: sum(1 for _, d in outcomes if d == destination.value)
        for destination in Destination
    }
    pages_per_s = len(outcomes) / elapsed
    p50 = statistics.median(read_ms)
    p99 = read_ms[min(len(read_ms) - 1, round(0.99 * (len(read_ms) - 1)))]
    print(
        f"ingested {len(outcomes)} pages in {elapsed:.2f} s with {options.workers} workers: {pages_per_s:.1f} pages/s"
    )
    print(f"routed: {by_destination}")
    print(f"code read per page (reduced JPEG decode + zxing): p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    print(f"peak RSS (largest process): {_peak_rss_mb():.0f} MB")
    print(
        json.dumps(
            {
                "pages": len(outcomes),
                "pages_per_s": round(pages_per_s, 1),
                "read_ms_p50": round(p50, 2),
                "read_ms_p99": round(p99, 2),
                "peak_rss_mb": round(_peak_rss_mb(), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
