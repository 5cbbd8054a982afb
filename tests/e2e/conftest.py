"""The whole suite as a user starts it (`olymp up --detach`), on its own ports, databases and broker
virtual host, shared by the end-to-end tests of one run."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import pytest

from olymp_cli.suite import Layout, consumer_queues
from olymp_core.events import connect
from olymp_core.migrations import drop_database
from olymp_core.settings import SERVICES
from olymp_core.testing.databases import TEST_VHOST, amqp_url_of, ensure_test_vhost
from tests.support.cli import olymp_command

# two runs on one machine (a developer beside CI) each set their own OLYMP_TEST_PORT_OFFSET and
# OLYMP_TEST_VHOST: ports, databases and queues then never meet. The suite has a virtual host of
# its own: the services the integration tests start beside it would otherwise hear its events.
_OFFSET = int(os.environ.get("OLYMP_TEST_PORT_OFFSET", "1000"))
VHOST = f"{TEST_VHOST}-e2e"
AMQP_URL = amqp_url_of(VHOST)
LAYOUT = Layout(
    port_offset=_OFFSET,
    database_prefix="olymp_e2e_" if _OFFSET == 1000 else f"olymp_e2e{_OFFSET}_",
    amqp_url=AMQP_URL,
)


async def _fresh_state() -> None:
    ensure_test_vhost(VHOST)
    for service in SERVICES:
        await drop_database(LAYOUT.database_url(service))
    connection = await connect(AMQP_URL, name="olymp-e2e-reset")
    try:
        channel = await connection.channel()
        for queue in consumer_queues():
            await channel.queue_delete(queue)
            await channel.queue_delete(queue + ".dlq")
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def running_suite() -> Iterator[Layout]:
    asyncio.run(_fresh_state())
    offset = ["--port-offset", str(LAYOUT.port_offset)]
    broker = {"OLYMP_AMQP_URL": AMQP_URL}
    started = olymp_command(
        "up", "--detach", *offset, "--database-prefix", LAYOUT.database_prefix, env=broker
    )
    assert started.returncode == 0, started.stdout + started.stderr
    try:
        yield LAYOUT
    finally:
        stopped = olymp_command("down", *offset, env=broker)
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr
