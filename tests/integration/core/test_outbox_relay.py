"""The outbox relay against the real PostgreSQL and RabbitMQ: a refused row is kept and retried on its
own, without holding back the rows of other streams (M3 of "Holds on the day")."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from aio_pika.abc import AbstractQueue, AbstractRobustConnection
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from olymp_core.clock import ManualClock
from olymp_core.db import UnitOfWorkFactory
from olymp_core.events import Event, OutboxRelay, connect, declare_exchanges, event
from olymp_core.events.tables import events_metadata, outbox
from olymp_core.lifecycle import Wakeup
from olymp_core.testing.databases import AMQP_URL, temporary_database
from olymp_core.testing.events import eventually

pytestmark = pytest.mark.integration


@event("relayprobe", "mark_given", 1)
class MarkGiven(Event):
    olympiad_id: uuid.UUID
    points: int


@event("relayprobe", "nobody_listens", 1)
class NobodyListens(Event):
    olympiad_id: uuid.UUID


@event("relayprobe", "page_seen", 1, listeners_optional=True)
class PageSeen(Event):
    olympiad_id: uuid.UUID


@event("relayprobe-undeclared", "lost_exchange", 1)
class LostExchange(Event):
    olympiad_id: uuid.UUID


@dataclass
class Bench:
    engine: AsyncEngine
    uows: UnitOfWorkFactory
    connection: AbstractRobustConnection
    relay: OutboxRelay
    clock: ManualClock

    async def record(self, *events: Event) -> None:
        async with self.uows() as uow:
            for e in events:
                uow.publish(e)
            await uow.commit()

    async def rows(self) -> list[sa.Row[tuple[object, ...]]]:
        async with self.engine.connect() as conn:
            return list((await conn.execute(sa.select(outbox).order_by(outbox.c.id))).all())

    async def bind(self, *events: type[Event]) -> AbstractQueue:
        """A consumer's queue for `events` (exclusive: gone with the test's connection)."""
        channel = await self.connection.channel()
        queue = await channel.declare_queue(exclusive=True)
        for event_cls in events:
            exchange = await channel.get_exchange(event_cls.exchange())
            await queue.bind(exchange, routing_key=event_cls.routing_key())
        return queue


@pytest.fixture
async def bench() -> AsyncIterator[Bench]:
    async with temporary_database("relay") as url:
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            await conn.run_sync(events_metadata.create_all)
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        clock = ManualClock(dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC))
        wakeup = Wakeup()
        connection = await connect(AMQP_URL, name="olymp-test-relay")
        channel = await connection.channel()
        await declare_exchanges(channel, ["relayprobe"])
        relay = OutboxRelay("relayprobe", sessions, connection, clock, wakeup)
        try:
            yield Bench(
                engine, UnitOfWorkFactory(sessions, clock, wakeup), connection, relay, clock
            )
        finally:
            await connection.close()
            await engine.dispose()


async def received(queue: AbstractQueue, count: int) -> list[dict[str, object]]:
    bodies: list[dict[str, object]] = []

    async def all_there() -> bool:
        message = await queue.get(fail=False, no_ack=True)
        if message is not None:
            bodies.append(json.loads(message.body))
        return len(bodies) >= count

    await eventually(all_there)
    assert await queue.get(fail=False, no_ack=True) is None, "more messages than expected"
    return bodies


def counted(name: str, routing_key: str) -> float:
    labels = {"service": "relayprobe", "routing_key": routing_key}
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_returned_event_is_kept_counted_and_delivered_once_its_queue_exists(
    bench: Bench,
) -> None:
    returned_before = counted("olymp_outbox_returned_total", NobodyListens.routing_key())
    olympiad = uuid.uuid4()
    await bench.record(NobodyListens(olympiad_id=olympiad))

    # before the fix the broker's return was taken for a confirmation and the row marked sent
    assert await bench.relay.publish_pending() == 0
    [row] = await bench.rows()
    assert row.published_at is None
    assert row.attempts == 1
    assert "no queue is bound" in row.last_error
    assert row.next_attempt_at == bench.clock.now() + dt.timedelta(seconds=1)
    assert counted("olymp_outbox_returned_total", NobodyListens.routing_key()) == (
        returned_before + 1
    )

    # the consumer's topology is declared later; the row waits for its retry time, then goes
    queue = await bench.bind(NobodyListens)
    assert await bench.relay.publish_pending() == 0
    bench.clock.advance(dt.timedelta(seconds=1))
    assert await bench.relay.publish_pending() == 1
    assert await received(queue, 1) == [{"olympiad_id": str(olympiad)}]
    [row] = await bench.rows()
    assert row.published_at == bench.clock.now()


async def test_a_refused_row_holds_back_only_its_own_stream_which_keeps_its_order(
    bench: Bench,
) -> None:
    held, other = uuid.uuid4(), uuid.uuid4()
    await bench.record(MarkGiven(olympiad_id=held, points=1))
    assert await bench.relay.publish_pending() == 0  # returned: no queue yet
    queue = await bench.bind(MarkGiven)
    # committed behind the refused row: the same stream (event type, olympiad) and another one
    await bench.record(MarkGiven(olympiad_id=held, points=2))
    await bench.record(MarkGiven(olympiad_id=other, points=7))

    assert await bench.relay.publish_pending() == 1
    assert await received(queue, 1) == [{"olympiad_id": str(other), "points": 7}]

    bench.clock.advance(dt.timedelta(seconds=1))
    assert await bench.relay.publish_pending() == 2
    assert await received(queue, 2) == [
        {"olympiad_id": str(held), "points": 1},
        {"olympiad_id": str(held), "points": 2},
    ]


async def test_a_row_that_keeps_failing_backs_off_and_never_blocks_the_others(
    bench: Bench,
) -> None:
    queue = await bench.bind(MarkGiven)
    olympiad = uuid.uuid4()
    # an exchange nobody declared: the broker closes the channel over this row, every time
    await bench.record(LostExchange(olympiad_id=olympiad))
    pauses = []
    for points in range(3):
        await bench.record(MarkGiven(olympiad_id=olympiad, points=points))
        assert await bench.relay.publish_pending() == 1
        [lost] = [r for r in await bench.rows() if r.routing_key == LostExchange.routing_key()]
        assert lost.published_at is None
        assert "NOT_FOUND" in lost.last_error
        pauses.append((lost.next_attempt_at - bench.clock.now()).total_seconds())
        bench.clock.advance(dt.timedelta(seconds=pauses[-1]))
    assert pauses == [1.0, 2.0, 4.0]
    assert [b["points"] for b in await received(queue, 3)] == [0, 1, 2]


async def test_announcement_nobody_listens_to_is_published_and_counted(bench: Bench) -> None:
    before = counted("olymp_outbox_unrouted_total", PageSeen.routing_key())
    await bench.record(PageSeen(olympiad_id=uuid.uuid4()))
    assert await bench.relay.publish_pending() == 1
    [row] = await bench.rows()
    assert row.published_at is not None
    assert counted("olymp_outbox_unrouted_total", PageSeen.routing_key()) == before + 1


async def test_the_relay_loop_publishes_a_returned_row_once_due(bench: Bench) -> None:
    """No manual stepping: the loop polls, and the row goes as soon as its retry time has come."""
    from olymp_core.lifecycle import running

    olympiad = uuid.uuid4()
    await bench.record(MarkGiven(olympiad_id=olympiad, points=3))
    assert await bench.relay.publish_pending() == 0
    queue = await bench.bind(MarkGiven)
    bench.clock.advance(dt.timedelta(seconds=1))
    async with running(bench.relay.loop(poll_interval=0.05)):
        assert await received(queue, 1) == [{"olympiad_id": str(olympiad), "points": 3}]


async def test_a_pass_soon_after_the_last_lingers_and_takes_what_committed_meanwhile_as_one_batch(
    bench: Bench,
) -> None:
    # Under load every commit wakes the relay; a pass right after the previous one waits out the
    # linger and claims the rows of that moment together (one transaction, not one per event).
    olympiad = uuid.uuid4()
    pauses: list[float] = []

    async def pause(seconds: float) -> None:
        pauses.append(seconds)
        for points in (2, 3, 4):  # other requests commit while the relay waits
            await bench.record(MarkGiven(olympiad_id=olympiad, points=points))

    batches: list[int] = []
    relay = OutboxRelay(
        "relayprobe",
        async_sessionmaker(bench.engine, expire_on_commit=False),
        bench.connection,
        bench.clock,
        Wakeup(),
        linger=30.0,
        pause=pause,
    )
    publish = relay.publish_pending

    async def counting() -> int:
        batches.append(await publish())
        return batches[-1]

    relay.publish_pending = counting  # type: ignore[method-assign]
    queue = await bench.bind(MarkGiven)
    step = relay.loop(poll_interval=1.0).step

    await bench.record(MarkGiven(olympiad_id=olympiad, points=1))
    await step()  # the first pass does not wait: an event alone is never held back
    assert pauses == [] and batches == [1]
    await step()
    assert len(pauses) == 1 and 29.0 < pauses[0] <= 30.0
    assert batches == [1, 3], "the three commits made during the linger went out as one batch"
    assert sorted(int(str(body["points"])) for body in await received(queue, 4)) == [1, 2, 3, 4]
