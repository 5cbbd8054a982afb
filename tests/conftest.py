"""Shared fixtures. Integration tests use the machine's real PostgreSQL and RabbitMQ
(OLYMP_TEST_DATABASE_ADMIN_URL, OLYMP_TEST_AMQP_URL); when those are down they fail, never skip."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from olymp_core.events import connect
from olymp_core.testing.databases import AMQP_URL, TEST_VHOST, ensure_test_vhost

# Child processes started with `spawn` (the hub's stream clients) import test helpers by module
# name; under pytest's importlib mode only this process knows them, so the repository root goes on
# the path that children inherit.
ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.append(ROOT)


@pytest.fixture(scope="session", autouse=True)
def test_virtual_host() -> None:
    """Create the broker's test virtual host (idempotent) unless a broker URL was given."""
    if os.environ.get("OLYMP_TEST_AMQP_URL"):
        return
    try:
        ensure_test_vhost()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    _delete_abandoned_queues()


def _delete_abandoned_queues() -> None:
    """Queues of earlier runs that were killed before their clean-up (no consumer left).

    Each quorum queue holds file handles on the broker; enough abandoned ones exhaust its budget
    and the broker stops accepting connections, so every later run would hang.
    """
    listed = subprocess.run(
        [
            "rabbitmqctl",
            "-q",
            "list_queues",
            "-p",
            TEST_VHOST,
            "--no-table-headers",
            "name",
            "consumers",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    abandoned = []
    for line in listed.stdout.splitlines():
        name, _, consumers = line.rpartition("\t")
        if name and consumers.strip() == "0":
            abandoned.append(name)
    if abandoned:
        asyncio.run(_delete_queues(abandoned))


async def _delete_queues(names: list[str]) -> None:
    connection = await connect(AMQP_URL, name="olymp-test-cleanup")
    try:
        channel = await connection.channel()
        for name in names:
            await channel.queue_delete(name)
    finally:
        await connection.close()
