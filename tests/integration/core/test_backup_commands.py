"""`olymp backup` and `olymp restore` against the real PostgreSQL (pg_dump, pg_restore) and a local
object store: what comes back, and what a restore refuses — a damaged backup, databases that hold
data, objects it cannot give back. The whole suite's drill is tests/e2e/test_backup_drill.py."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import stat
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from olymp_cli.main import cli
from olymp_core import audit
from olymp_core.migrations import drop_database, ensure_database, upgrade
from olymp_core.settings import SERVICES
from olymp_core.storage import LocalDirectoryStore
from olymp_core.testing.databases import database_url

pytestmark = pytest.mark.integration

SCANS = {
    "scans/math/МАТ-0417/page-1.jpg": b"\xff\xd8"
    + "первая страница работы Ёлкиной-Сидоровой".encode(),
    "scans/math/МАТ-0417/page-2.jpg": b"\xff\xd8 the second page",
    "published/final/math-9.csv": "Фамилия;Баллы\nЁлкина-Сидорова;37,5\n".encode(),
}


@dataclass
class Suite:
    prefix: str
    store: LocalDirectoryStore
    env: dict[str, str]

    def url(self, service: str) -> str:
        return database_url(self.prefix + service)


@pytest.fixture
async def suite(tmp_path: Path) -> AsyncIterator[Suite]:
    """Every service's database (scoring's migrated, with an audit trail), and a store of scans."""
    prefix = f"olymp_test_backup_{uuid.uuid4().hex[:6]}_"
    store = LocalDirectoryStore(tmp_path / "objects")
    found = Suite(prefix, store, {"OLYMP_STORAGE_URL": f"file:{store.root}"})
    for service in SERVICES:
        await ensure_database(found.url(service))
    await asyncio.to_thread(upgrade, "olymp_scoring", found.url("scoring"))
    engine = create_async_engine(found.url("scoring"))
    async with engine.begin() as conn:
        session = AsyncSession(bind=conn)
        for n in range(1, 4):
            await audit.record(
                session,
                actor=f"jury-{n}",
                action="mark.recorded",
                object_type="work",
                object_id=f"МАТ-{n:04d}",
                payload={"task": n, "points": "7.5"},
                at=dt.datetime(2026, 11, 20, 9, n, tzinfo=dt.UTC),
            )
        await session.flush()
    await engine.dispose()
    await store.ensure_ready()
    for key, data in SCANS.items():
        await store.put(key, data, content_type="image/jpeg")
    try:
        yield found
    finally:
        for service in SERVICES:
            await drop_database(found.url(service))
            await drop_database(database_url(prefix + "again_" + service))


def olymp(suite: Suite, *args: str, prefix: str | None = None) -> tuple[int, str]:
    layout = ["--database-prefix", prefix or suite.prefix]
    result = CliRunner(env=suite.env).invoke(cli, [*args, *layout])
    return result.exit_code, result.output


async def run(suite: Suite, *args: str, prefix: str | None = None) -> tuple[int, str]:
    return await asyncio.to_thread(olymp, suite, *args, prefix=prefix)


async def audit_rows(url: str) -> list[tuple[object, ...]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            found = await conn.execute(
                sa.text("SELECT seq, actor, object_id, payload, hash FROM audit_log ORDER BY seq")
            )
            return [tuple(row) for row in found.all()]
    finally:
        await engine.dispose()


async def test_backup_and_restore_give_back_the_databases_and_the_objects(
    suite: Suite, tmp_path: Path
) -> None:
    target = tmp_path / "backup"
    code, output = await run(suite, "backup", str(target), "--copy-objects")
    assert code == 0, output
    manifest = json.loads((target / "manifest.json").read_text())
    assert set(manifest["databases"]) == set(SERVICES)
    scoring = manifest["databases"]["scoring"]
    dump = (target / scoring["path"]).read_bytes()
    assert scoring["database"] == suite.prefix + "scoring"
    assert (scoring["bytes"], scoring["sha256"]) == (len(dump), hashlib.sha256(dump).hexdigest())
    assert dump.startswith(b"PGDMP")  # pg_dump's custom format
    listed = [json.loads(line) for line in (target / "objects.jsonl").read_text().splitlines()]
    assert {o["key"]: (o["size"], o["sha256"]) for o in listed} == {
        key: (len(data), hashlib.sha256(data).hexdigest()) for key, data in SCANS.items()
    }
    assert manifest["objects"]["count"] == 3 and manifest["objects"]["copied"] is True
    expected_trail = await audit_rows(suite.url("scoring"))

    # everything lost: the databases dropped, a scan deleted, another overwritten
    for service in SERVICES:
        await drop_database(suite.url(service))
    await suite.store.delete("scans/math/МАТ-0417/page-1.jpg")
    await suite.store.put("scans/math/МАТ-0417/page-2.jpg", b"not the page that was scanned")

    code, output = await run(suite, "restore", str(target), "--overwrite-objects")
    assert code == 0, output
    assert "every checksum matches" in output
    assert "1 in the store with their checksums, 2 written back from the backup" in output
    assert await audit_rows(suite.url("scoring")) == expected_trail
    code, output = await run(suite, "audit", "verify", "--service", "scoring")
    assert code == 0 and "ok (3 entries)" in output, output
    for key, data in SCANS.items():
        assert await suite.store.get(key) == data
        assert (await suite.store.stat(key)).content_type == "image/jpeg"


async def test_a_backup_is_readable_by_its_owner_only(suite: Suite, tmp_path: Path) -> None:
    target = tmp_path / "backups" / "20261120T2200Z"
    code, output = await run(suite, "backup", str(target), "--copy-objects")
    assert code == 0, output
    found = {path: stat.S_IMODE(path.stat().st_mode) for path in [target, *target.rglob("*")]}
    assert {path.name for path in found} >= {"manifest.json", "scoring.dump", "objects.jsonl"}
    assert {
        path.relative_to(tmp_path).as_posix(): mode
        for path, mode in found.items()
        if mode != (0o700 if path.is_dir() else 0o600)
    } == {}


async def test_a_restore_never_puts_older_objects_over_newer_ones_unless_asked(
    suite: Suite, tmp_path: Path
) -> None:
    target = tmp_path / "backup"
    assert (await run(suite, "backup", str(target), "--copy-objects"))[0] == 0
    # the live suite publishes again: its results file is rewritten in place
    today = "Фамилия;Баллы\nЁлкина-Сидорова;41\n".encode()
    await suite.store.put("published/final/math-9.csv", today)
    await suite.store.delete("scans/math/МАТ-0417/page-1.jpg")

    again = suite.prefix + "again_"
    code, output = await run(suite, "restore", str(target), prefix=again)
    assert code == 1
    assert "1 objects in the store differ from the backup" in output, output
    assert "published/final/math-9.csv" in output and "--overwrite-objects" in output, output
    assert await suite.store.get("published/final/math-9.csv") == today
    assert not await suite.store.exists("scans/math/МАТ-0417/page-1.jpg")  # nothing touched
    engine = create_async_engine(database_url("postgres"))
    async with engine.connect() as conn:
        created = await conn.scalar(
            sa.text("SELECT count(*) FROM pg_database WHERE datname LIKE :p"), {"p": again + "%"}
        )
    await engine.dispose()
    assert created == 0

    code, output = await run(suite, "restore", str(target), "--overwrite-objects", prefix=again)
    assert code == 0, output
    assert "1 in the store with their checksums, 2 written back from the backup" in output
    for key, data in SCANS.items():
        assert await suite.store.get(key) == data


async def test_a_damaged_backup_is_refused_before_anything_is_restored(
    suite: Suite, tmp_path: Path
) -> None:
    target = tmp_path / "backup"
    code, output = await run(suite, "backup", str(target))
    assert code == 0, output
    dump = target / "databases" / "scoring.dump"
    damaged = bytearray(dump.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01  # one bit, as a failing disk flips it
    dump.write_bytes(bytes(damaged))

    code, output = await run(suite, "restore", str(target), prefix=suite.prefix + "again_")
    assert code == 1
    assert "damaged, nothing restored" in output and "databases/scoring.dump" in output, output
    code, output = await run(suite, "restore", "--check", str(target))
    assert code == 1 and "databases/scoring.dump" in output, output
    engine = create_async_engine(database_url("postgres"))
    async with engine.connect() as conn:
        created = await conn.scalar(
            sa.text("SELECT count(*) FROM pg_database WHERE datname LIKE :p"),
            {"p": suite.prefix + "again_%"},
        )
    await engine.dispose()
    assert created == 0


async def test_a_restore_never_mixes_into_databases_that_hold_data(
    suite: Suite, tmp_path: Path
) -> None:
    target = tmp_path / "backup"
    assert (await run(suite, "backup", str(target)))[0] == 0
    before = await audit_rows(suite.url("scoring"))
    code, output = await run(suite, "restore", str(target))
    assert code == 1
    assert f"not empty: {suite.prefix}scoring" in output and "olymp down" in output, output
    assert await audit_rows(suite.url("scoring")) == before


async def test_objects_the_backup_cannot_give_back_are_named(suite: Suite, tmp_path: Path) -> None:
    target = tmp_path / "backup"
    code, output = await run(suite, "backup", str(target))
    assert code == 0 and "checksums only" in output, output
    assert not (target / "objects").exists()
    await suite.store.delete("published/final/math-9.csv")

    code, output = await run(suite, "restore", str(target), prefix=suite.prefix + "again_")
    assert code == 1
    assert "1 objects are missing or changed" in output
    assert "published/final/math-9.csv" in output, output
    # the databases were restored all the same: only the object is missing
    assert await audit_rows(database_url(suite.prefix + "again_scoring")) == await audit_rows(
        suite.url("scoring")
    )
