"""A suite of the benchmark's own, started as an operator does (`olymp up --detach`).

    with own_suite(port_offset=3000, database_prefix="olymp_bench_day_", vhost="olymp-bench-day")
        as layout:
        ...

Fresh every time: the databases and the broker's virtual host of an earlier run are dropped
first, the object store is a temporary directory. The suite is stopped at the end, also after a
failure. Needs PostgreSQL and RabbitMQ as for the tests (rabbitmqctl, to make the virtual host).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def rabbitmqctl(*args: str) -> None:
    done = subprocess.run(
        ["rabbitmqctl", "-q", *args], capture_output=True, text=True, check=False, timeout=60
    )
    if done.returncode != 0:
        raise SystemExit(f"rabbitmqctl {' '.join(args)} failed: {done.stderr.strip()}")


async def drop_databases(layout: Any) -> None:
    """No databases of an earlier run: the suite creates and migrates them afresh."""
    from olymp_core.migrations import drop_database
    from olymp_core.settings import SERVICES

    for service in SERVICES:
        await drop_database(layout.database_url(service))


def fresh_vhost(vhost: str) -> None:
    """An empty virtual host of our own: no queue of an earlier run holds a message."""
    subprocess.run(  # absent on the first run: not an error
        ["rabbitmqctl", "-q", "delete_vhost", vhost], capture_output=True, check=False, timeout=60
    )
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")


def olymp(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "olymp_cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if done.returncode != 0:
        raise SystemExit(f"olymp {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


@contextmanager
def own_suite(*, port_offset: int, database_prefix: str, vhost: str) -> Iterator[Any]:
    """The running suite's `Layout`; `startup_seconds` is set on it once every service is ready."""
    from olymp_cli.suite import Layout

    os.chdir(ROOT)  # the suite keeps its keys, pid file and logs in ./.olymp
    with tempfile.TemporaryDirectory(prefix=f"{vhost}-") as storage:
        os.environ["OLYMP_AMQP_URL"] = f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
        os.environ["OLYMP_STORAGE_URL"] = f"file:{storage}"
        env = dict(os.environ)
        layout = Layout.from_env(port_offset, database_prefix)
        asyncio.run(drop_databases(layout))
        fresh_vhost(vhost)
        layout_args = ("--port-offset", str(port_offset), "--database-prefix", database_prefix)
        started = time.monotonic()
        olymp("up", "--detach", *layout_args, env=env)
        startup = time.monotonic() - started
        print(f"suite up in {startup:.1f} s (ports +{port_offset}, vhost {vhost})", flush=True)
        try:
            yield layout, startup
        finally:
            olymp("down", "--port-offset", str(port_offset), env=env)
