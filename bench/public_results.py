"""Results day: the public table through the service and through nginx, side by side.

Publishes one preliminary table of `--rows` participants through the publishing service's own
handlers (a throwaway PostgreSQL database, a local directory store), lets the service write its
static files, then starts

- the service as `olymp up` runs it: `python -m olymp_publishing`, `--workers` processes serving
  one port (`OLYMP_PUBLISHING_HTTP_REUSE_PORT`), each with its own cache, writer and refresher;
- nginx (Debian's package; installed with apt-get if missing) with deploy/nginx/results.conf.template
  on the store's directory, falling back to the service;
- beside it, a plain nginx `root` on the same directory: the static baseline.

It checks that all three send the same bytes (and the service and nginx the same cache headers),
then loads each with wrk (installed likewise), `--connections` connections for `--duration`
seconds, `--runs` times in turn, and prints requests/s and p99 of each run and the medians. The
last line is JSON: {"app_rps", "nginx_rps", "ratio", "app_p99_ms", ...}.

    .venv/bin/python bench/public_results.py [--workers 2] [--rows 150] [--runs 3] [--profile]

`--profile` adds a run of one service process under cProfile and prints where its time goes.
Needs PostgreSQL as for the tests (and RabbitMQ's test virtual host, optional: the service starts
without the broker after a few seconds).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pstats
import pwd
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx" / "results.conf.template"
SUBJECT, GRADE = "math", 9
SURNAMES = ("Иванов", "Смирнова", "Кузнецов", "Попова", "Васильев", "Петрова", "Соколов", "Ёлкина")
NAMES = ("Анна", "Пётр", "Мария", "Илья", "Ольга", "Денис", "Дарья", "Олег")


def need(command: str, package: str) -> str:
    """The command's path, installing Debian's package first if it is missing."""
    found = shutil.which(command) or shutil.which(command, path="/usr/sbin:/usr/bin")
    if found:
        return found
    print(f"installing {package} (apt-get)", flush=True)
    install = ["apt-get", "install", "-y", "--no-install-recommends", package]
    if subprocess.run(install, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update"], check=True, capture_output=True)
        subprocess.run(install, check=True, capture_output=True)
    found = shutil.which(command) or shutil.which(command, path="/usr/sbin:/usr/bin")
    if not found:
        raise SystemExit(f"{command} not found after installing {package}")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def publish(workdir: Path, database_url: str, rows: int) -> tuple[uuid.UUID, Any]:
    """One preliminary table, published by the service's handlers, its files written."""
    from olymp_core.auth import generate_local_key
    from olymp_core.contracts.coding import DecodedWork, WorksDecoded
    from olymp_core.contracts.registration import OlympiadCreated, ParticipantRegistered
    from olymp_core.contracts.scoring import ScoredWork, SubjectGradeChecked
    from olymp_core.testing.events import deliver
    from olymp_publishing import handlers
    from olymp_publishing.main import build
    from olymp_publishing.settings import PublishingSettings

    public_key = workdir / "keys" / "auth.pub.pem"
    public_key.parent.mkdir(parents=True, exist_ok=True)
    public_key.write_text(generate_local_key(workdir / "keys" / "auth.pem"))
    settings = PublishingSettings(
        database_url=database_url,
        storage_url=f"file:{workdir / 'objects'}",
        auth_local_public_key_file=public_key,
    )
    service = build(settings)
    olympiad = uuid.uuid4()
    rng = random.Random(20251020)
    people = [uuid.uuid4() for _ in range(rows)]
    codes = {pid: f"МАТ-9-{n:04d}" for n, pid in enumerate(people, 1)}
    await deliver(
        service,
        OlympiadCreated(
            olympiad_id=olympiad,
            title="Муниципальный этап ВсОШ 2025/26, Омская область",
            time_zone="Asia/Omsk",
            subjects=(),
        ),
    )
    await deliver(
        service,
        *(
            ParticipantRegistered(
                olympiad_id=olympiad,
                participant_id=pid,
                subject_code=SUBJECT,
                surname=rng.choice(SURNAMES),
                name=rng.choice(NAMES),
                patronymic="",
                grade=GRADE,
                task_grade=GRADE,
                school=f"МБОУ «СОШ № {rng.randint(1, 60)}»",
                consent_to_publish=rng.random() > 0.1,
            )
            for pid in people
        ),
        WorksDecoded(
            olympiad_id=olympiad,
            subject_code=SUBJECT,
            grade=GRADE,
            works=tuple(DecodedWork(work_code=codes[p], participant_id=p) for p in people),
        ),
    )
    totals = {pid: Decimal(rng.randint(0, 100)) / 2 for pid in people}
    await deliver(
        service,
        SubjectGradeChecked(
            olympiad_id=olympiad,
            subject_code=SUBJECT,
            grade=GRADE,
            task_max={"1": Decimal(25), "2": Decimal(25)},
            works=tuple(
                ScoredWork(
                    work_code=codes[p],
                    task_scores={"1": totals[p]},
                    total=totals[p],
                    max_total=Decimal(50),
                    annulled=False,
                    annulment_reason=None,
                )
                for p in people
            ),
        ),
    )
    [files] = [c for c in service.contexts if isinstance(c, handlers.PublishedFiles)]
    written = await handlers.write_pending_files(service.runtime.uows, files)
    assert written >= 1, "the files writer wrote nothing"
    queues = [s.queue for s in service.subscriptions]
    await service.runtime.close()
    return olympiad, (settings, public_key, queues)


@contextmanager
def process(
    command: list[str], log: Path, env: dict[str, str] | None = None, copies: int = 1
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Run `copies` of `command` in one new process group (nginx's workers are in it too), so
    that their CPU time is counted together, and end that group."""
    children: list[subprocess.Popen[bytes]] = []
    try:
        with log.open("ab") as output:
            for _ in range(copies):
                children.append(
                    subprocess.Popen(
                        command,
                        env=env,
                        stdout=output,
                        stderr=output,
                        # the first leads a new group (0), the others join it
                        process_group=children[0].pid if children else 0,
                    )
                )
        yield children
    finally:
        if children and any(child.poll() is None for child in children):
            os.killpg(children[0].pid, signal.SIGINT)
            try:
                for child in children:
                    child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(children[0].pid, signal.SIGKILL)
                for child in children:
                    child.wait()


def wait_for(
    url: str, children: list[subprocess.Popen[bytes]], log: Path, within_s: float = 60.0
) -> None:
    from olymp_core.testing.processes import listening

    deadline = time.monotonic() + within_s
    while True:
        try:
            if all(listening(child.pid) for child in children):
                with urllib.request.urlopen(url, timeout=2) as answer:
                    if answer.status == 200:
                        return
        except OSError:
            pass
        for child in children:
            if child.poll() is not None:
                tail = log.read_text(errors="replace")[-2000:]
                raise SystemExit(f"{child.args!r} exited ({child.returncode}):\n{tail}")
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-2000:]
            raise SystemExit(f"{url} did not answer within {within_s} s:\n{tail}")
        time.sleep(0.2)


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, {k.lower(): v for k, v in refused.headers.items()}, b""


def check_same(app: str, nginx: str, static: str) -> int:
    """The three paths send the same bytes; the service and nginx the same cache headers, and
    each answers a conditional request with 304."""
    _, app_headers, app_body = fetch(app)
    _, nginx_headers, nginx_body = fetch(nginx)
    _, _, static_body = fetch(static)
    assert app_body == nginx_body == static_body, "the three paths differ"
    for name in ("content-type", "cache-control"):
        assert app_headers[name] == nginx_headers[name], (name, app_headers, nginx_headers)
    for url, headers in ((app, app_headers), (nginx, nginx_headers)):
        status, _, body = fetch(url, {"If-None-Match": headers["etag"]})
        assert (status, body) == (304, b""), (url, status)
    for query, immutable in (("?version=1", True), ("?stage=preliminary", False)):
        _, a, body_a = fetch(app + query)
        _, n, body_n = fetch(nginx + query)
        assert body_a == body_n == app_body and a["cache-control"] == n["cache-control"], query
        assert ("immutable" in a["cache-control"]) == immutable
    return len(app_body)


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(group: int) -> float:
    """CPU time (user + system) of every live process in process group `group`."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def wrk(binary: str, url: str, connections: int, duration: float, threads: int) -> dict[str, float]:
    out = subprocess.run(
        [binary, f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if rps is None or p99 is None:
        raise SystemExit(f"cannot read wrk's output:\n{out}")
    return {
        "rps": float(rps.group(1)),
        "p99_ms": float(p99.group(1)) * UNITS[p99.group(2)],
        "errors": float(errors.group(1)) if errors else 0.0,
    }


# The local store writes its files 0600 (scans and packages live there too): nginx's workers read
# them as the service's user, here the one running the bench.
NGINX_MAIN = """user {user};
worker_processes auto;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/client; proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    include {tmp}/results.conf;
    # the static baseline: nginx's defaults on the same directory
    server {{
        listen 127.0.0.1:{static_port};
        root {root};
        sendfile on;
    }}
}}
"""


def nginx_config(tmp: Path, root: Path, app_port: int, port: int, static_port: int) -> Path:
    values = {
        "OLYMP_RESULTS_ROOT": str(root),
        "OLYMP_PUBLISHING_UPSTREAM": f"127.0.0.1:{app_port}",
        "OLYMP_RESULTS_LISTEN": f"127.0.0.1:{port}",
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    left = re.findall(r"\$\{OLYMP_[A-Z0-9_]+\}", text)
    assert not left, f"placeholders of the template not filled in: {left}"
    (tmp / "results.conf").write_text(text)
    main = tmp / "nginx.conf"
    user = pwd.getpwuid(os.getuid()).pw_name
    main.write_text(NGINX_MAIN.format(user=user, tmp=tmp, root=root, static_port=static_port))
    return main


def app_env(settings: Any, public_key: Path, prefix: str, port: int) -> dict[str, str]:
    """The service's environment as `olymp up` gives it, every process on one port."""
    return {
        **os.environ,
        "OLYMP_PUBLISHING_HTTP_PORT": str(port),
        "OLYMP_PUBLISHING_HTTP_REUSE_PORT": "true",
        "OLYMP_PUBLISHING_DATABASE_URL": settings.database_url,
        "OLYMP_PUBLISHING_STORAGE_URL": settings.storage_url,
        "OLYMP_PUBLISHING_AUTH_LOCAL_PUBLIC_KEY_FILE": str(public_key),
        "OLYMP_PUBLISHING_AMQP_URL": amqp_url(),
        "OLYMP_PUBLISHING_QUEUE_PREFIX": prefix,
        "OLYMP_PUBLISHING_LOG_LEVEL": "WARNING",
    }


def amqp_url() -> str:
    from olymp_core.testing.databases import AMQP_URL

    return AMQP_URL


# What `olymp up` starts. Not `uvicorn --workers N`: its supervisor binds the port without naming
# IPPROTO_TCP, so asyncio leaves Nagle's algorithm on for every connection, and each keep-alive
# request after the first waits about 40 ms for the client's delayed ACK (uvicorn issue 3149):
# 700 req/s at 32 connections instead of 10,000+. The service's own SO_REUSEPORT socket names it.
SERVICE = ["-m", "olymp_publishing"]


async def delete_queues(queues: list[str]) -> None:
    from olymp_core.events import connect

    try:
        connection = await connect(amqp_url(), name="olymp-bench-cleanup")
    except Exception:
        return
    try:
        channel = await connection.channel()
        for queue in queues:
            await channel.queue_delete(queue)
            await channel.queue_delete(queue + ".dlq")
    finally:
        await connection.close()


def profile(
    env: dict[str, str], url: str, wrk_bin: str, args: argparse.Namespace, tmp: Path
) -> None:
    port = free_port()
    out = tmp / "app.prof"
    command = [sys.executable, "-m", "cProfile", "-o", str(out), *SERVICE]
    page = url.replace("{port}", str(port))
    log = tmp / "profiled.log"
    with process(command, log, {**env, "OLYMP_PUBLISHING_HTTP_PORT": str(port)}) as children:
        wait_for(page, children, log)
        figures = wrk(wrk_bin, page, args.connections, args.duration, args.threads)
    print(f"\nprofiled (1 process under cProfile, slower): {figures['rps']:.0f} req/s")
    stats = pstats.Stats(str(out))
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2, help="service processes sharing the port")
    parser.add_argument("--rows", type=int, default=150, help="participants in the table")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per measurement")
    parser.add_argument("--runs", type=int, default=3, help="measurements of each path")
    parser.add_argument(
        "--profile", action="store_true", help="then one service process under cProfile"
    )
    parser.add_argument("--keep", type=Path, help="copy the service's and nginx's logs here")
    args = parser.parse_args()

    nginx_bin = need("nginx", "nginx")
    wrk_bin = need("wrk", "wrk")
    from olymp_core.migrations import drop_database, ensure_database, upgrade
    from olymp_core.testing.databases import database_url

    database = database_url(f"olymp_bench_results_{uuid.uuid4().hex[:8]}")

    async def prepare(tmp: Path) -> tuple[uuid.UUID, Any]:
        await ensure_database(database)
        await asyncio.to_thread(upgrade, "olymp_publishing", database)
        return await publish(tmp, database, args.rows)

    async def cleanup(queues: list[str]) -> None:
        await delete_queues(queues)
        await drop_database(database)

    with tempfile.TemporaryDirectory(prefix="olymp-bench-results-") as workdir:
        tmp = Path(workdir)
        prefix = f"bench{uuid.uuid4().hex[:8]}."
        try:
            olympiad, (settings, public_key, queues) = asyncio.run(prepare(tmp))
        except BaseException:
            asyncio.run(cleanup([]))
            raise
        root = tmp / "objects"
        app_port, nginx_port, static_port = free_port(), free_port(), free_port()
        env = app_env(settings, public_key, prefix, app_port)
        path = f"/results/{olympiad}/{SUBJECT}/{GRADE}.html"
        app_url = f"http://127.0.0.1:{app_port}{path}"
        nginx_url = f"http://127.0.0.1:{nginx_port}{path}"
        static_url = (
            f"http://127.0.0.1:{static_port}/results/{olympiad}/{SUBJECT}/{GRADE}/latest.html"
        )
        config = nginx_config(tmp, root, app_port, nginx_port, static_port)
        nginx = [nginx_bin, "-p", str(tmp), "-c", str(config), "-g", "daemon off;"]
        app = [sys.executable, *SERVICE]
        app_log, nginx_log = tmp / "app.log", tmp / "nginx.log"
        try:
            with (
                process(app, app_log, env, copies=args.workers) as app_children,
                process(nginx, nginx_log) as nginx_children,
            ):
                wait_for(app_url, app_children, app_log)
                wait_for(nginx_url, nginx_children, nginx_log)
                wait_for(static_url, nginx_children, nginx_log)
                size = check_same(app_url, nginx_url, static_url)
                print(
                    f"table of {args.rows} rows, {size} bytes of HTML; service: "
                    f"{args.workers} process(es); nginx: {os.cpu_count()} worker(s); "
                    f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s",
                    flush=True,
                )
                for url in (app_url, nginx_url, static_url):  # warm-up
                    wrk(wrk_bin, url, args.connections, 1.0, args.threads)
                runs: list[dict[str, dict[str, float]]] = []
                targets = (
                    ("app", app_url, app_children[0].pid),
                    ("nginx", nginx_url, nginx_children[0].pid),
                    ("static", static_url, nginx_children[0].pid),
                )
                for n in range(args.runs):
                    run: dict[str, dict[str, float]] = {}
                    for name, url, group in targets:
                        before = cpu_seconds(group)
                        run[name] = wrk(wrk_bin, url, args.connections, args.duration, args.threads)
                        spent = cpu_seconds(group) - before
                        served = run[name]["rps"] * args.duration
                        run[name]["cpu_us"] = spent / served * 1e6 if served else 0.0
                    runs.append(run)
                    print(
                        f"run {n + 1}: "
                        + "; ".join(
                            f"{name} {r['rps']:.0f} req/s p99 {r['p99_ms']:.1f} ms"
                            f" {r['cpu_us']:.0f} µs CPU/req"
                            + (f" ({r['errors']:.0f} errors)" if r["errors"] else "")
                            for name, r in run.items()
                        ),
                        flush=True,
                    )
            if args.profile:
                profile(env, f"http://127.0.0.1:{{port}}{path}", wrk_bin, args, tmp)
        finally:
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                for log in tmp.glob("*.log"):
                    shutil.copy(log, args.keep / log.name)
            asyncio.run(cleanup([prefix + queue for queue in queues]))

    def median(name: str, field: str) -> float:
        return statistics.median(run[name][field] for run in runs)

    app_rps, nginx_rps = median("app", "rps"), median("nginx", "rps")
    result = {
        "app_rps": round(app_rps),
        "nginx_rps": round(nginx_rps),
        "ratio": round(app_rps / nginx_rps, 3),
        "app_p99_ms": round(median("app", "p99_ms"), 2),
        "nginx_p99_ms": round(median("nginx", "p99_ms"), 2),
        "static_rps": round(median("static", "rps")),
        "static_p99_ms": round(median("static", "p99_ms"), 2),
        "nginx_to_static": round(nginx_rps / median("static", "rps"), 3),
        "app_cpu_us": round(median("app", "cpu_us")),
        "nginx_cpu_us": round(median("nginx", "cpu_us")),
        "workers": args.workers,
        "rows": args.rows,
        "bytes": size,
        "runs": args.runs,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
