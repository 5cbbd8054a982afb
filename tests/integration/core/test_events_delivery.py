"""Outbox, relay, inbox and dead letters against the real PostgreSQL and RabbitMQ."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aio_pika
import pytest
import sqlalchemy as sa
from aio_pika.abc import AbstractRobustConnection
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from olymp_core.clock import SystemClock
from olymp_core.db import UnitOfWork, UnitOfWorkFactory
from olymp_core.events import Consumer, Event, OutboxRelay, Subscription, connect, event
from olymp_core.events.tables import events_metadata, inbox, outbox
from olymp_core.lifecycle import Wakeup, running
from olymp_core.testing.databases import AMQP_URL, TEST_VHOST, temporary_database
from olymp_core.testing.events import eventually

pytestmark = pytest.mark.integration

probe_metadata = sa.MetaData()
probe_applied = sa.Table(
    "probe_applied",
    probe_metadata,
    sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


@event("probe", "value_recorded", 1)
class ValueRecorded(Event):
    value: str


@dataclass
class Bench:
    engine: AsyncEngine
    uows: UnitOfWorkFactory
    connection: AbstractRobustConnection
    relay: OutboxRelay
    queue: str

    async def count(self, table: sa.Table) -> int:
        async with self.engine.connect() as conn:
            return int(
                (await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar_one()
            )

    async def record(self, value: str) -> None:
        async with self.uows() as uow:
            uow.publish(ValueRecorded(value=value))
            await uow.commit()


async def apply_value(message: ValueRecorded, uow: UnitOfWork) -> None:
    if message.value == "poison":
        raise RuntimeError("this value can never be applied")
    await uow.session.execute(sa.insert(probe_applied).values(value=message.value))


@pytest.fixture
async def bench() -> AsyncIterator[Bench]:
    async with temporary_database("events") as url:
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            await conn.run_sync(events_metadata.create_all)
            await conn.run_sync(probe_metadata.create_all)
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        wakeup = Wakeup()
        uows = UnitOfWorkFactory(sessions, SystemClock(), wakeup)
        connection = await connect(AMQP_URL, name="olymp-test", reconnect_interval=3.0)
        queue = f"test.on_value_recorded.{uuid.uuid4().hex[:8]}"
        subscription = Subscription(queue, (ValueRecorded,), apply_value, max_attempts=3)
        await Consumer(subscription, uows).start(await connection.channel())
        relay = OutboxRelay("probe", sessions, connection, SystemClock(), wakeup)
        try:
            yield Bench(engine, uows, connection, relay, queue)
        finally:
            channel = await connection.channel()
            await channel.queue_delete(queue)
            await channel.queue_delete(queue + ".dlq")
            await connection.close()
            await engine.dispose()


async def test_event_committed_while_broker_connection_is_down_is_delivered_later(
    bench: Bench,
) -> None:
    result = subprocess.run(
        [
            "rabbitmqctl",
            "close_all_connections",
            "--vhost",
            TEST_VHOST,
            "forced by the outage test",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr

    async def connection_down() -> bool:
        return not bench.connection.connected.is_set()

    await eventually(connection_down, within_s=5)
    await bench.record("during the outage")
    # The relay cannot publish now: the row stays in the outbox, nothing is lost.
    assert await bench.relay.publish_pending() == 0
    assert await bench.count(outbox) == 1

    async with running(bench.relay.loop(poll_interval=0.1)):

        async def applied() -> bool:
            return await bench.count(probe_applied) == 1

        await eventually(applied)
    async with bench.engine.connect() as conn:
        unpublished = await conn.execute(
            sa.select(sa.func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
        )
        assert unpublished.scalar_one() == 0


async def test_message_delivered_twice_is_applied_once(bench: Bench) -> None:
    channel = await bench.connection.channel()
    exchange = await channel.get_exchange(ValueRecorded.exchange())
    message_id = str(uuid.uuid4())
    for _ in range(2):
        await exchange.publish(
            aio_pika.Message(
                json.dumps({"value": "once"}).encode(),
                message_id=message_id,
                type=ValueRecorded.routing_key(),
            ),
            routing_key=ValueRecorded.routing_key(),
        )

    def handled(outcome: str) -> float:
        sample = REGISTRY.get_sample_value(
            "olymp_events_consumed_total", {"queue": bench.queue, "outcome": outcome}
        )
        return sample or 0.0

    async def both_handled() -> bool:
        return handled("applied") == 1 and handled("duplicate") == 1

    await eventually(both_handled)
    # the second copy was recognised by the inbox and acked without running the handler
    assert await bench.count(probe_applied) == 1


async def read_dead_letter(bench: Bench) -> aio_pika.abc.AbstractIncomingMessage:
    channel = await bench.connection.channel()
    dlq = await channel.declare_queue(bench.queue + ".dlq", passive=True)
    found: list[aio_pika.abc.AbstractIncomingMessage] = []

    async def arrived() -> bool:
        message = await dlq.get(fail=False, no_ack=True)
        if message is not None:
            found.append(message)
        return bool(found)

    await eventually(arrived)
    return found[0]


async def test_failing_message_ends_in_dead_letter_queue_with_its_error(bench: Bench) -> None:
    async with running(bench.relay.loop(poll_interval=0.1)):
        await bench.record("poison")
        dead = await read_dead_letter(bench)
    assert json.loads(dead.body) == {"value": "poison"}
    assert dead.headers["x-error-type"] == "RuntimeError"
    assert "can never be applied" in str(dead.headers["x-error"])
    assert await bench.count(probe_applied) == 0
    assert await bench.count(inbox) == 0


async def test_unparseable_message_is_dead_lettered_at_once(bench: Bench) -> None:
    channel = await bench.connection.channel()
    exchange = await channel.get_exchange(ValueRecorded.exchange())
    await exchange.publish(
        aio_pika.Message(
            b'{"value": 42, "unexpected": true}',
            message_id=str(uuid.uuid4()),
            type=ValueRecorded.routing_key(),
        ),
        routing_key=ValueRecorded.routing_key(),
    )
    dead = await read_dead_letter(bench)
    assert dead.headers["x-error-type"] == "PoisonMessage"
    assert "invalid probe.value_recorded.v1" in str(dead.headers["x-error"])
