"""Throwaway PostgreSQL databases for integration tests (real server, never a mock)."""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from olymp_core.migrations import drop_database, ensure_database, upgrade

ADMIN_URL = os.environ.get(
    "OLYMP_TEST_DATABASE_ADMIN_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
# tests use a virtual host of their own, so a developer's running suite is never touched; two test
# runs on one broker (CI beside a developer) each set their own OLYMP_TEST_VHOST
TEST_VHOST = os.environ.get("OLYMP_TEST_VHOST", "olymp-test")
AMQP_URL = os.environ.get("OLYMP_TEST_AMQP_URL", f"amqp://guest:guest@127.0.0.1:5672/{TEST_VHOST}")


@functools.cache
def ensure_test_vhost(vhost: str = TEST_VHOST) -> None:
    """Create a virtual host of the tests and let guest use it (idempotent, once per process and
    host), so that a benchmark or a test run works on a fresh broker. With OLYMP_TEST_AMQP_URL
    set, the broker is someone else's: nothing is created."""
    if os.environ.get("OLYMP_TEST_AMQP_URL"):
        return
    rabbitmqctl = shutil.which("rabbitmqctl")
    if rabbitmqctl is None:
        raise RuntimeError(
            "rabbitmqctl is not on PATH: set OLYMP_TEST_AMQP_URL to a broker URL whose "
            "virtual host the tests and benchmarks may use"
        )
    # the broker's own tool with fixed arguments and the vhost's name
    subprocess.run([rabbitmqctl, "-q", "add_vhost", vhost], capture_output=True, check=False)  # noqa: S603
    subprocess.run(  # noqa: S603
        [rabbitmqctl, "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
        capture_output=True,
        check=True,
    )


def amqp_url_of(vhost: str) -> str:
    """The broker URL of another of the tests' virtual hosts: a whole suite started by the tests
    gets one of its own, since its services would take the events of the services the
    integration tests start beside it (and answer them with their own)."""
    if os.environ.get("OLYMP_TEST_AMQP_URL"):
        return AMQP_URL
    return f"amqp://guest:guest@127.0.0.1:5672/{vhost}"


def database_url(name: str) -> str:
    base, _, _ = ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


@asynccontextmanager
async def temporary_database(label: str = "test") -> AsyncIterator[str]:
    """Create `olymp_test_<label>_<random>`, yield its URL, drop it afterwards."""
    url = database_url(f"olymp_test_{label}_{uuid.uuid4().hex[:8]}")
    await ensure_database(url)
    try:
        yield url
    finally:
        await drop_database(url)


@asynccontextmanager
async def migrated_database(service: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A temporary database with `service`'s migrations applied, as a session factory."""
    async with temporary_database(service) as url:
        await asyncio.to_thread(upgrade, f"olymp_{service}", url)
        engine = create_async_engine(url)
        try:
            yield async_sessionmaker(engine, expire_on_commit=False)
        finally:
            await engine.dispose()
