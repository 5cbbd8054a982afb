"""Dead letters are watched (a gauge per queue), can be read where they lie and replayed to their
consumer once the cause is fixed — against the real RabbitMQ and PostgreSQL."""

from __future__ import annotations

import json
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
from olymp_core.events import Consumers, Event, Subscription, connect, event
from olymp_core.events.dead_letters import depths, peek, replay
from olymp_core.events.tables import events_metadata
from olymp_core.lifecycle import running
from olymp_core.testing.databases import AMQP_URL, temporary_database
from olymp_core.testing.events import eventually

pytestmark = pytest.mark.integration

applied_metadata = sa.MetaData()
applied = sa.Table("applied", applied_metadata, sa.Column("value", sa.Text, primary_key=True))


@event("dlqprobe", "value_sent", 1)
class ValueSent(Event):
    value: str


@dataclass
class Bench:
    engine: AsyncEngine
    connection: AbstractRobustConnection
    consumers: Consumers
    queue: str
    broken: set[str]

    async def values(self) -> list[str]:
        async with self.engine.connect() as conn:
            return list((await conn.execute(sa.select(applied.c.value))).scalars())

    async def send(self, value: str) -> None:
        channel = await self.connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(ValueSent.exchange())
        await exchange.publish(
            aio_pika.Message(
                json.dumps({"value": value}).encode(),
                message_id=str(uuid.uuid4()),
                type=ValueSent.routing_key(),
            ),
            routing_key=ValueSent.routing_key(),
        )
        await channel.close()


@pytest.fixture
async def bench() -> AsyncIterator[Bench]:
    broken: set[str] = set()

    async def apply(message: ValueSent, uow: UnitOfWork) -> None:
        if message.value in broken:
            raise RuntimeError(f"cannot apply {message.value} yet")
        await uow.session.execute(sa.insert(applied).values(value=message.value))

    async with temporary_database("dlq") as url:
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            await conn.run_sync(events_metadata.create_all)
            await conn.run_sync(applied_metadata.create_all)
        uows = UnitOfWorkFactory(async_sessionmaker(engine, expire_on_commit=False), SystemClock())
        connection = await connect(AMQP_URL, name="olymp-test-dlq")

        async def broker() -> AbstractRobustConnection:
            return connection

        queue = f"test.on_value_sent.{uuid.uuid4().hex[:8]}"
        consumers = Consumers(
            [Subscription(queue, (ValueSent,), apply, max_attempts=2)],
            uows,
            broker,
            dead_letter_interval=0.05,
        )
        try:
            async with running(consumers):
                yield Bench(engine, connection, consumers, queue, broken)
        finally:
            channel = await connection.channel()
            await channel.queue_delete(queue)
            await channel.queue_delete(queue + ".dlq")
            await connection.close()
            await engine.dispose()


def gauge(queue: str) -> float | None:
    return REGISTRY.get_sample_value("olymp_dead_letters", {"queue": queue})


async def test_dead_letters_are_measured_shown_and_replayed_once_the_cause_is_fixed(
    bench: Bench,
) -> None:
    bench.broken.add("late")
    await bench.send("late")
    await bench.send("fine")

    async def one_dead_letter_measured() -> bool:
        return gauge(bench.queue) == 1

    await eventually(one_dead_letter_measured)
    assert await bench.values() == ["fine"]
    [letter] = await peek(bench.connection, bench.queue)
    assert letter.error_type == "RuntimeError"
    assert letter.error == "cannot apply late yet"
    assert json.loads(letter.body) == {"value": "late"}
    assert await depths(bench.connection, [bench.queue, "no.such.queue"]) == {
        bench.queue: 1,  # peeking left it where it was
        "no.such.queue": None,
    }

    bench.broken.clear()  # the cause is fixed
    assert await replay(bench.connection, bench.queue) == 1

    async def applied_and_gone() -> bool:
        return sorted(await bench.values()) == ["fine", "late"] and gauge(bench.queue) == 0

    await eventually(applied_and_gone)


async def test_replay_moves_only_what_was_there_when_a_letter_dies_again(bench: Bench) -> None:
    bench.broken.add("hopeless")
    await bench.send("hopeless")

    async def dead() -> bool:
        return (await depths(bench.connection, [bench.queue]))[bench.queue] == 1

    await eventually(dead)
    assert await replay(bench.connection, bench.queue) == 1
    await eventually(dead)  # it failed again and is back among the dead letters, once
    assert await bench.values() == []
