"""`olymp audit verify`, the operators' command, on a service database whose audit rows were tampered with."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from olymp_cli.main import cli
from olymp_core import audit
from olymp_core.migrations import drop_database, ensure_database, upgrade
from olymp_core.testing.databases import database_url

pytestmark = pytest.mark.integration


@pytest.fixture
async def scoring_database() -> AsyncIterator[tuple[str, str]]:
    prefix = f"olymp_test_cli_{uuid.uuid4().hex[:6]}_"
    url = database_url(prefix + "scoring")
    await ensure_database(url)
    await asyncio.to_thread(upgrade, "olymp_scoring", url)
    engine = create_async_engine(url)
    at = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    async with engine.begin() as conn:
        session = AsyncSession(bind=conn)
        for n in range(1, 6):
            await audit.record(
                session,
                actor=f"jury-{n}",
                action="mark.recorded",
                object_type="work",
                object_id=f"MATH-{n:03d}",
                payload={"task": 1, "points": "7.5"},
                at=at + dt.timedelta(minutes=n),
            )
        await session.flush()
    await engine.dispose()
    try:
        yield prefix, url
    finally:
        await drop_database(url)


async def tamper(url: str, statement: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        # what a superuser could do: bypass the append-only trigger
        await conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        await conn.execute(sa.text(statement))
    await engine.dispose()


def verify(prefix: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["audit", "verify", "--database-prefix", prefix, "--service", "scoring"]
    )
    return result.exit_code, result.output


async def test_untouched_trail_verifies(scoring_database: tuple[str, str]) -> None:
    prefix, _ = scoring_database
    code, output = await asyncio.to_thread(verify, prefix)
    assert code == 0, output
    assert "scoring" in output and "ok (5 entries)" in output


async def test_changed_entry_is_named(scoring_database: tuple[str, str]) -> None:
    prefix, url = scoring_database
    await tamper(
        url, 'UPDATE audit_log SET payload = \'{"task": 1, "points": "10"}\' WHERE seq = 3'
    )
    code, output = await asyncio.to_thread(verify, prefix)
    assert code == 1
    assert "BROKEN" in output and "entry 3 was changed" in output, output


async def test_deleted_entry_is_named(scoring_database: tuple[str, str]) -> None:
    prefix, url = scoring_database
    await tamper(url, "DELETE FROM audit_log WHERE seq = 2")
    code, output = await asyncio.to_thread(verify, prefix)
    assert code == 1
    assert "BROKEN" in output and "entry 2 was removed" in output, output
