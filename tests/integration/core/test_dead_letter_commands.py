"""The operator's view of dead letters: `olymp status` lists the non-empty dead-letter queues with a hint,
`olymp events dead-letters` shows them, `olymp events replay` moves them back — each command its own
process, against a virtual host of this test's own (the queue names are the suite's real ones)."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import aio_pika
import pytest

from olymp_cli.suite import consumer_queues
from olymp_core.events import DEAD_LETTER_EXCHANGE, Binding, connect, declare_binding
from olymp_core.testing.databases import TEST_VHOST
from tests.support.cli import olymp_command

pytestmark = pytest.mark.integration

VHOST = f"{TEST_VHOST}-dead-letters"
AMQP_URL = f"amqp://guest:guest@127.0.0.1:5672/{VHOST}"
QUEUE = "scoring.on_work_coded"
# nothing listens at this offset: the services read as down, the broker part is what is tested
LAYOUT = ("--port-offset", "2900", "--database-prefix", "olymp_dlq_cli_")
ENV = {
    "OLYMP_AMQP_URL": AMQP_URL,
    "PYTHONDONTWRITEBYTECODE": "",
    "PYTHONPYCACHEPREFIX": str(Path(".olymp/pycache").resolve()),
}


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, check=False, timeout=60)


@pytest.fixture
async def dead_letter() -> AsyncIterator[str]:
    """One dead letter in `scoring.on_work_coded.dlq`, as the consumer would have left it."""
    rabbitmqctl("delete_vhost", VHOST)
    rabbitmqctl("add_vhost", VHOST)
    rabbitmqctl("set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*")
    connection = await connect(AMQP_URL, name="olymp-test-dlq-cli")
    message_id = str(uuid.uuid4())
    try:
        channel = await connection.channel(publisher_confirms=True)
        await declare_binding(channel, Binding(QUEUE, consumer_queues()[QUEUE]))
        dlx = await channel.get_exchange(DEAD_LETTER_EXCHANGE)
        await dlx.publish(
            aio_pika.Message(
                b'{"olympiad_id": "x"}',
                message_id=message_id,
                type="coding.work_coded.v1",
                headers={
                    "x-error": "invalid coding.work_coded.v1 message",
                    "x-error-type": "PoisonMessage",
                },
            ),
            routing_key=QUEUE,
        )
        yield message_id
    finally:
        await connection.close()
        rabbitmqctl("delete_vhost", VHOST)


async def test_status_lists_dead_letters_which_can_be_shown_and_replayed(
    dead_letter: str,
) -> None:
    status = olymp_command("status", *LAYOUT, env=ENV)
    assert status.returncode == 1
    assert f"  {QUEUE}.dlq  1" in status.stdout
    assert "olymp events dead-letters <queue>" in status.stdout
    assert "olymp events replay <queue>" in status.stdout
    as_json = olymp_command("status", "--json", *LAYOUT, env=ENV)
    assert json.loads(as_json.stdout)["dead_letters"] == {QUEUE: 1}

    shown = olymp_command("events", "dead-letters", QUEUE, *LAYOUT, env=ENV)
    assert shown.returncode == 0, shown.stderr
    assert f"{dead_letter}  coding.work_coded.v1  PoisonMessage: invalid" in shown.stdout

    replayed = olymp_command("events", "replay", QUEUE, *LAYOUT, env=ENV)
    assert replayed.returncode == 0, replayed.stderr
    assert f"1 dead letters moved back to {QUEUE}" in replayed.stdout
    connection = await connect(AMQP_URL, name="olymp-test-dlq-cli-check")
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(QUEUE, passive=True)
        message = await queue.get(no_ack=True)
        assert message.message_id == dead_letter
        assert message.headers.get("x-replayed") == 1
        assert "x-error" not in message.headers
        dlq = await channel.declare_queue(QUEUE + ".dlq", passive=True)
        assert dlq.declaration_result.message_count == 0
    finally:
        await connection.close()
