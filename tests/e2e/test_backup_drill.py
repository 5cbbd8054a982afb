"""The backup drill, as the operator runs it: a day on a suite of its own (ports +500 from the e2e
suite's, its own databases, broker virtual host and S3 bucket), `olymp backup --copy-objects`,
then everything dropped — every database and every object — `olymp restore` into
fresh databases and `olymp up` again. The suite must come back whole: the same published final
tables and state of the olympiad, every service's audit chain intact with as many entries, every
object in the store with its checksum. Prints the backup's size and the backup and restore times.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from olymp_cli.audit import verify_all
from olymp_cli.backup.objects import digest
from olymp_cli.demo.run import run_day
from olymp_cli.suite import Layout
from olymp_core.migrations import drop_database
from olymp_core.settings import SERVICES
from olymp_core.storage import ObjectStore, open_store
from olymp_core.testing.databases import TEST_VHOST
from olymp_core.testing.s3server import start_loopback_s3
from tests.e2e.conftest import LAYOUT as E2E_LAYOUT
from tests.faults import harness
from tests.support.cli import olymp_command

pytestmark = pytest.mark.e2e

OFFSET = E2E_LAYOUT.port_offset + 500
VHOST = f"{TEST_VHOST}-drill"
# small on purpose (the drill runs in every `make test`): still every stage of the day, its
# scans, packages and published tables (physics' final ones: mathematics' wait for its appeals)
PARTICIPANTS = 24
SCHOOLS = 6
SEED = 14


@pytest.fixture(scope="module")
def s3_url() -> Iterator[str]:
    """A bucket of the drill's own: it deletes every object in it."""
    configured = os.environ.get("OLYMP_TEST_S3_URL")
    if configured:
        yield urlsplit(configured)._replace(path=f"/olymp-drill-{OFFSET}").geturl()
        return
    # the store's request log would bury a failure's report
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with start_loopback_s3("olymp-drill") as server:
        yield server.url


@pytest.fixture(scope="module")
def drill(s3_url: str) -> Iterator[tuple[Layout, dict[str, str], tuple[str, ...]]]:
    layout = Layout(
        port_offset=OFFSET,
        database_prefix=f"olymp_drill{OFFSET}_",
        amqp_url=f"amqp://guest:guest@127.0.0.1:5672/{VHOST}",
        storage_url=s3_url,
    )
    env = {
        "OLYMP_AMQP_URL": layout.amqp_url,
        "OLYMP_STORAGE_URL": s3_url,
        # the second start loads compiled modules instead of compiling them again
        "PYTHONDONTWRITEBYTECODE": "",
        "PYTHONPYCACHEPREFIX": str(Path(".olymp/pycache").resolve()),
    }
    args = ("--port-offset", str(OFFSET), "--database-prefix", layout.database_prefix)
    asyncio.run(harness.fresh_state(layout, VHOST))
    started = olymp_command("up", "--detach", *args, env=env)
    assert started.returncode == 0, started.stdout + started.stderr
    try:
        yield layout, env, args
    finally:
        if (
            layout.pid_file.exists()
        ):  # the drill stops and starts it: it may be down after a failure
            stopped = olymp_command("down", "--port-offset", str(OFFSET), env=env)
            assert stopped.returncode == 0, stopped.stdout + stopped.stderr


async def objects_of(store: ObjectStore) -> dict[str, tuple[int, str] | None]:
    """Every object's size and sha256, read from its bytes."""
    keys = [info.key for info in await store.list()]
    return dict(zip(keys, await asyncio.gather(*(digest(store, key) for key in keys)), strict=True))


async def audit_chains(layout: Layout) -> dict[str, tuple[bool, int]]:
    """Each service's audit chain, as `olymp audit verify` checks it: intact, and over how many."""
    verdicts = await verify_all(layout, SERVICES)
    return {service: (found.ok, found.entries_checked) for service, found in verdicts.items()}


async def test_a_day_backed_up_dropped_and_restored_comes_back_whole(
    drill: tuple[Layout, dict[str, str], tuple[str, ...]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    layout, env, args = drill
    began = time.monotonic()
    report = await run_day(
        layout,
        participants=PARTICIPANTS,
        schools=SCHOOLS,
        seed=SEED,
        say=lambda _: None,
        scans=True,
    )
    day_s = time.monotonic() - began
    await harness.quiesce(layout=layout, vhost=VHOST)
    tables = [name for name, _ in report.final_tables]
    assert tables
    expected_tables = await harness.final_tables(report.olympiad_id, tables, layout)
    expected_state = await harness.state_of(report.olympiad_id, layout)
    expected_audit = await audit_chains(layout)
    assert all(intact for intact, _ in expected_audit.values()), expected_audit
    assert all(expected_audit[s][1] for s in SERVICES if s != "portal"), "every service audits"
    store = open_store(layout.storage_url)
    expected_objects = await objects_of(store)
    scans = [key for key in expected_objects if key.startswith("scans/")]
    assert len(scans) >= report.works, "every work's answer sheets are in the store"

    backup = tmp_path / "backup"
    began = time.monotonic()
    done = olymp_command("backup", str(backup), "--copy-objects", *args, env=env)
    backup_s = time.monotonic() - began
    assert done.returncode == 0, done.stdout + done.stderr
    size = sum(path.stat().st_size for path in backup.rglob("*") if path.is_file())

    # everything lost: the suite stopped, its databases and objects gone (the broker's queues
    # are empty once the day has settled: nothing of the day lives only there)
    stopped = olymp_command("down", "--port-offset", str(OFFSET), env=env)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    for service in SERVICES:
        await drop_database(layout.database_url(service))
    for key in expected_objects:
        await store.delete(key)
    assert await store.list() == []

    began = time.monotonic()
    done = olymp_command("restore", str(backup), *args, env=env)
    restore_s = time.monotonic() - began
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"0 in the store with their checksums, {len(expected_objects)} written back" in (
        done.stdout
    )
    began = time.monotonic()
    started = olymp_command("up", "--detach", *args, env=env)
    assert started.returncode == 0, started.stdout + started.stderr
    restart_s = time.monotonic() - began

    found_tables = await harness.final_tables(report.olympiad_id, tables, layout)
    assert harness.table_differences(expected_tables, found_tables) == []
    assert await harness.state_of(report.olympiad_id, layout) == expected_state
    assert await audit_chains(layout) == expected_audit
    assert await objects_of(store) == expected_objects

    with capsys.disabled():
        print(
            f"\n[backup drill] day of {report.participants} participants, {report.works} works: "
            f"{day_s:.1f} s; backup {size / 1e6:.1f} MB ({len(expected_objects)} objects, "
            f"{len(SERVICES)} databases) in {backup_s:.1f} s; restore {restore_s:.1f} s; "
            f"the suite up again in {restart_s:.1f} s",
            flush=True,
        )
