"""Scan ingest end to end, in the shape it is deployed: N synthetic A4 pages at 300 dpi (JPEG) posted
over HTTP to coding service processes -> label read -> object stored -> page row, event, audit entry.

Pages are generated first (not timed) into a folder, as a scan station would leave them. Then the
coding service is started as `--processes` separate processes (`python -m olymp_coding`, what
`olymp up` starts), all serving one port (`OLYMP_CODING_HTTP_REUSE_PORT`) and sharing a throwaway
PostgreSQL database, the broker's test virtual host and one local object store. Every file is
posted to `POST /olympiads/{id}/scans` with a scan station's token, `--uploads` at once as several
stations would. A run counts from the first request to the last answer; then the database is
checked: a page row per page, a `PageScanned` event in the outbox per answer page, one audit entry
per file, an object per page in the store. `--runs 5` repeats it (fresh database, store and
processes each time) and reports the median.
The last line printed is one JSON object: pages, processes, pages_per_s (median), runs, ...

    .venv/bin/python bench/scan_ingest.py --pages 400 --runs 5
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import segno
import sqlalchemy as sa
from PIL import Image, ImageDraw
from sqlalchemy.ext.asyncio import async_sessionmaker

from olymp_coding import store as coding_store
from olymp_coding.domain import generate_code
from olymp_coding.scans.domain import answer_payload, read_code, split_document, title_payload
from olymp_coding.scans.store import scanned_pages
from olymp_core.audit.trail import audit_log
from olymp_core.auth import Role, ScopeKind, TokenIssuer, generate_local_key
from olymp_core.clock import SystemClock
from olymp_core.contracts.coding import PageScanned
from olymp_core.db import UnitOfWorkFactory, make_engine
from olymp_core.events import connect
from olymp_core.events.tables import outbox
from olymp_core.migrations import upgrade
from olymp_core.testing.databases import AMQP_URL, ensure_test_vhost, temporary_database
from olymp_core.testing.processes import listening

DPI = 300
A4_PX = (round(210 / 25.4 * DPI), round(297 / 25.4 * DPI))
PAPER = 235
BACKGROUNDS = 6  # distinct handwriting backgrounds; every page still gets its own label and bytes
SUBJECT = "math"
READY_TIMEOUT_S = 60.0


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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cpu_s(pid: int) -> float:
    """CPU time (user + system) the process has used so far, all its threads."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb(pid: int) -> float:
    """The process's own high-water mark of resident memory (VmHWM), read before it stops."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass(frozen=True)
class Setup:
    folder: Path
    files: list[Path]
    codes: list[str]  # the works the label sheets were printed for
    keys: Path
    issuer: TokenIssuer
    options: argparse.Namespace


@dataclass(frozen=True)
class RunFigures:
    pages: int
    seconds: float
    outcomes: dict[str, int]
    events: int
    audited_files: int
    objects: int
    latency_ms_p50: float
    latency_ms_p99: float
    peak_rss_mb: float  # the largest service process
    worker_cpu_s: float  # CPU the service processes used during the run, together
    client_cpu_s: float  # CPU the uploading stations (this process) used

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds


async def _register_works(database_url: str, olympiad_id: uuid.UUID, codes: list[str]) -> None:
    engine = make_engine(database_url)
    uows = UnitOfWorkFactory(async_sessionmaker(engine, expire_on_commit=False), SystemClock())
    try:
        async with uows() as uow:
            for code in codes:
                await coding_store.insert_work(
                    uow.session,
                    work_id=uuid.uuid4(),
                    olympiad_id=olympiad_id,
                    participant_id=uuid.uuid4(),
                    subject_code=SUBJECT,
                    task_grade=9,
                    work_code=code,
                    coded=True,
                    at=uow.clock.now(),
                )
            await uow.commit()
    finally:
        await engine.dispose()


def _start_workers(
    setup: Setup, database_url: str, store_dir: Path, port: int, queue_prefix: str
) -> list[subprocess.Popen[bytes]]:
    """The coding service as `olymp up` runs it, `--processes` times on one port."""
    env = {
        **os.environ,
        "OLYMP_CODING_DATABASE_URL": database_url,
        "OLYMP_CODING_HTTP_PORT": str(port),
        "OLYMP_CODING_HTTP_REUSE_PORT": "true",
        "OLYMP_CODING_QUEUE_PREFIX": queue_prefix,
        "OLYMP_CODING_SCAN_WORKERS": str(setup.options.scan_threads),
        "OLYMP_AMQP_URL": AMQP_URL,
        "OLYMP_STORAGE_URL": f"file:{store_dir}",
        "OLYMP_AUTH_LOCAL_PUBLIC_KEY_FILE": str(setup.keys / "auth.pub.pem"),
        # as `olymp up` gives it: the lost check-in repair signs its own service token
        "OLYMP_AUTH_LOCAL_PRIVATE_KEY_FILE": str(setup.keys / "auth.pem"),
        "OLYMP_AUTH_REVOCATION_FILE": str(setup.keys / "revoked.json"),
        # Nothing answers registration's gRPC here: the lost check-in repair stays idle.
        "OLYMP_REGISTRATION_GRPC": "127.0.0.1:9",
        "OLYMP_CODING_SWEEP_INTERVAL_S": "3600",
        "OLYMP_LOG_LEVEL": "WARNING",
    }
    logs = setup.keys.parent / "logs"
    logs.mkdir(exist_ok=True)
    workers = []
    for number in range(setup.options.processes):
        log = (logs / f"coding-{number}.log").open("ab")
        workers.append(
            subprocess.Popen(
                [sys.executable, "-m", "olymp_coding"], env=env, stdout=log, stderr=log
            )
        )
    return workers


async def _wait_ready(client: httpx.AsyncClient, workers: list[subprocess.Popen[bytes]]) -> None:
    """Until every process listens on the port (it does once its start-up is done) and answers."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        for worker in workers:
            if worker.poll() is not None:
                raise RuntimeError(f"a coding worker exited with {worker.returncode}; see logs/")
        if all(listening(worker.pid) for worker in workers):
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get("/readyz")).status_code == 200:
                    return
        if time.monotonic() > deadline:
            raise RuntimeError(f"coding not ready after {READY_TIMEOUT_S:.0f} s")
        await asyncio.sleep(0.2)  # polling readiness, not waiting for a guess


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


async def _delete_queues(prefix: str) -> None:
    from olymp_coding.consumers import EVENTS

    connection = await connect(AMQP_URL, name="olymp-bench-cleanup")
    try:
        channel = await connection.channel()
        for subscription in EVENTS.subscriptions():
            await channel.queue_delete(prefix + subscription.queue)
            await channel.queue_delete(prefix + subscription.queue + ".dlq")
    finally:
        await connection.close()


class _Station:
    """A scan station's uploader: one keep-alive HTTP/1.1 connection, a request at a time.

    Written on asyncio streams rather than a general-purpose client so that the load generator,
    which shares the machine's two cores with the service, costs a fraction of a millisecond per
    upload: the stations are other computers on the day.
    """

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, target: str, data: bytes) -> tuple[int, bytes]:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = (
            f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Authorization: Bearer {self.token}\r\nContent-Type: image/jpeg\r\n"
            f"Content-Length: {len(data)}\r\n\r\n"
        )
        self.writer.write(head.encode())
        self.writer.write(data)
        await self.writer.drain()
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                close = True
        body = await self.reader.readexactly(length)
        if close:
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def _post_all(
    port: int, olympiad_id: uuid.UUID, setup: Setup
) -> tuple[float, dict[str, int], list[float]]:
    token = setup.issuer.issue("bench-station", [Role.SCANNER], {ScopeKind.SUBJECT: [SUBJECT]})
    outcomes: dict[str, int] = {}
    latencies: list[float] = []
    queue: asyncio.Queue[Path] = asyncio.Queue()
    for path in setup.files:
        queue.put_nowait(path)

    async def station(uploader: _Station) -> None:
        while not queue.empty():
            path = queue.get_nowait()
            data = await asyncio.to_thread(path.read_bytes)
            target = f"/olympiads/{olympiad_id}/scans?filename={path.name}&subject_code={SUBJECT}"
            sent = time.perf_counter()
            status, body = await uploader.post(target, data)
            latencies.append((time.perf_counter() - sent) * 1000)
            if status != 200:
                raise RuntimeError(f"{path.name}: {status} {body.decode(errors='replace')}")
            for page in json.loads(body)["pages"]:
                outcomes[page["outcome"]] = outcomes.get(page["outcome"], 0) + 1

    stations = [_Station(port, token) for _ in range(setup.options.uploads)]
    try:
        started = time.perf_counter()
        await asyncio.gather(*(station(uploader) for uploader in stations))
        elapsed = time.perf_counter() - started
    finally:
        for uploader in stations:
            await uploader.close()
    return elapsed, outcomes, sorted(latencies)


async def _count(database_url: str, olympiad_id: uuid.UUID) -> tuple[int, int, int]:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.scalar(
                sa.select(sa.func.count())
                .select_from(scanned_pages)
                .where(scanned_pages.c.olympiad_id == olympiad_id)
            )
            events = await connection.scalar(
                sa.select(sa.func.count())
                .select_from(outbox)
                .where(outbox.c.routing_key == PageScanned.routing_key())
            )
            audited = await connection.scalar(
                sa.select(sa.func.count())
                .select_from(audit_log)
                .where(audit_log.c.action == "scans.uploaded")
            )
    finally:
        await engine.dispose()
    return int(rows or 0), int(events or 0), int(audited or 0)


def _objects(store_dir: Path) -> int:
    return sum(
        1 for path in store_dir.rglob("*") if path.is_file() and not path.name.startswith(".olymp-")
    )


async def _one_run(setup: Setup, number: int) -> RunFigures:
    olympiad_id = uuid.uuid4()
    store_dir = setup.keys.parent / f"store-{number}"
    port = _free_port()
    prefix = f"bench{uuid.uuid4().hex[:8]}."
    async with temporary_database("bench") as database_url:
        await asyncio.to_thread(upgrade, "olymp_coding", database_url)
        # All but the last work are known: the last work's pages exercise the manual queue.
        await _register_works(database_url, olympiad_id, setup.codes[:-1])
        workers = _start_workers(setup, database_url, store_dir, port, prefix)
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as probe:
                try:
                    await _wait_ready(probe, workers)
                except RuntimeError:
                    for log in sorted((setup.keys.parent / "logs").glob("coding-*.log")):
                        print(f"--- {log.name}", *log.read_text().splitlines()[-15:], sep="\n")
                    raise
            cpu_before = sum(_cpu_s(worker.pid) for worker in workers)
            client_before = time.process_time()
            elapsed, outcomes, latencies = await _post_all(port, olympiad_id, setup)
            client_cpu = time.process_time() - client_before
            worker_cpu = sum(_cpu_s(worker.pid) for worker in workers) - cpu_before
            peak = max(_peak_rss_mb(worker.pid) for worker in workers)
        finally:
            _stop(workers)
            await _delete_queues(prefix)
        rows, events, audited = await _count(database_url, olympiad_id)
    objects = _objects(store_dir)
    # Each run starts afresh: the run's 250 MB of objects would otherwise still be written back
    # to the disk while the next run stores its own, and each run would be slower than the last.
    await asyncio.to_thread(shutil.rmtree, store_dir)
    await asyncio.to_thread(os.sync)
    pages = sum(outcomes.values())
    if rows != pages or objects != pages or audited != len(setup.files):
        raise RuntimeError(
            f"incomplete: {pages} pages answered, {rows} rows, {objects} objects, "
            f"{audited} audit entries for {len(setup.files)} files"
        )
    if events != outcomes.get("work", 0):
        raise RuntimeError(
            f"{events} PageScanned events for {outcomes.get('work', 0)} answer pages"
        )
    return RunFigures(
        pages=pages,
        seconds=elapsed,
        outcomes=outcomes,
        events=events,
        audited_files=audited,
        objects=objects,
        latency_ms_p50=statistics.median(latencies),
        latency_ms_p99=latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))],
        peak_rss_mb=peak,
        worker_cpu_s=worker_cpu,
        client_cpu_s=client_cpu,
    )


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
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=400, help="pages per run (5 per work)")
    parser.add_argument("--runs", type=int, default=1, help="runs to take the median of")
    parser.add_argument(
        "--processes", type=int, default=os.cpu_count() or 1, help="coding worker processes"
    )
    parser.add_argument("--scan-threads", type=int, default=2, help="scan threads per process")
    parser.add_argument("--uploads", type=int, default=8, help="stations uploading at once")
    parser.add_argument(
        "--cache", type=Path, help="keep the generated pages in this folder and reuse them"
    )
    options = parser.parse_args()
    ensure_test_vhost()

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

    with tempfile.TemporaryDirectory() as temp:
        keys = Path(temp) / "keys"
        keys.mkdir()
        (keys / "auth.pub.pem").write_text(generate_local_key(keys / "auth.pem"))
        issuer = TokenIssuer((keys / "auth.pem").read_bytes())
        folder = (options.cache or Path(temp)) / f"upload-{options.pages}"
        started = time.perf_counter()
        if not folder.is_dir() or len(list(folder.iterdir())) != len(payloads):
            folder.mkdir(parents=True, exist_ok=True)
            jobs = list(enumerate(payloads))
            cores = os.cpu_count() or 1
            with ProcessPoolExecutor(cores) as pool:
                list(pool.map(_make_pages, [(folder, jobs[n::cores]) for n in range(cores)]))
        files = sorted(folder.iterdir())
        megabytes = sum(path.stat().st_size for path in files) / 2**20
        print(
            f"generated {len(files)} pages ({megabytes:.0f} MB of JPEG) "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        setup = Setup(folder, files, codes, keys, issuer, options)
        runs = []
        for number in range(options.runs):
            figures = asyncio.run(_one_run(setup, number))
            runs.append(figures)
            print(
                f"run {number + 1}: {figures.pages} pages in {figures.seconds:.2f} s = "
                f"{figures.pages_per_s:.1f} pages/s ({options.processes} processes, "
                f"{options.uploads} uploads in flight); upload p50 {figures.latency_ms_p50:.0f} ms, "
                f"p99 {figures.latency_ms_p99:.0f} ms; outcomes {figures.outcomes}; "
                f"{figures.events} PageScanned events, {figures.audited_files} audit entries, "
                f"{figures.objects} objects; largest worker {figures.peak_rss_mb:.0f} MB; "
                f"CPU per page: workers {figures.worker_cpu_s / figures.pages * 1000:.1f} ms, "
                f"stations {figures.client_cpu_s / figures.pages * 1000:.1f} ms",
                flush=True,
            )
        read_ms = _read_times(files[: min(len(files), 200)])

    rates = [figures.pages_per_s for figures in runs]
    median = statistics.median(rates)
    p50 = statistics.median(read_ms)
    p99 = read_ms[min(len(read_ms) - 1, round(0.99 * (len(read_ms) - 1)))]
    print(
        f"pages/s over {len(rates)} runs: {', '.join(f'{rate:.1f}' for rate in rates)}; "
        f"median {median:.1f} (min {min(rates):.1f}, max {max(rates):.1f})"
    )
    print(
        f"code read per page alone (reduced JPEG decode + zxing): p50 {p50:.1f} ms, p99 {p99:.1f} ms"
    )
    print(
        json.dumps(
            {
                "pages": runs[-1].pages,
                "processes": options.processes,
                "pages_per_s": round(median, 1),
                "runs": [round(rate, 1) for rate in rates],
                "upload_ms_p50": round(statistics.median(f.latency_ms_p50 for f in runs), 1),
                "read_ms_p50": round(p50, 2),
                "read_ms_p99": round(p99, 2),
                "peak_rss_mb": round(max(f.peak_rss_mb for f in runs), 1),
                "worker_cpu_ms_per_page": round(
                    statistics.median(f.worker_cpu_s / f.pages * 1000 for f in runs), 2
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
