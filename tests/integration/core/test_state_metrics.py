"""The gauges read from the database at scrape time: the outbox's, through a running service's
/metrics, and what a scrape does when the database does not answer."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from olymp_core.clock import ManualClock
from olymp_core.db import UnitOfWorkFactory
from olymp_core.events import Event, OutboxRelay, connect, declare_exchanges, event
from olymp_core.events.tables import events_metadata, outbox
from olymp_core.lifecycle import Wakeup
from olymp_core.state_metrics import StateGauges, outbox_gauges
from olymp_core.testing.databases import AMQP_URL, temporary_database
from olymp_core.testing.service import ServiceHarness, running_service

pytestmark = pytest.mark.integration

MORNING = dt.datetime(2025, 11, 18, 3, 0, tzinfo=dt.UTC)


@event("lagprobe", "bell_rung", 1, listeners_optional=True)
class BellRung(Event):
    """An announcement nobody listens to: the relay publishes it without a queue."""

    room: str


async def scrape(svc: ServiceHarness) -> dict[tuple[str, str], float]:
    """(sample name, service label) -> value of the outbox gauges, as Prometheus reads them."""
    response = await svc.client.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, sample.labels.get("service", "")): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name.startswith("olymp_outbox_") and sample.labels.get("service") == "appeals"
    }


async def test_the_outbox_gauges_follow_the_rows_waiting(tmp_path: Path) -> None:
    clock = ManualClock(MORNING)
    async with running_service("appeals", tmp_path, clock=clock) as svc:
        assert (await scrape(svc))[("olymp_outbox_pending", "appeals")] == 0
        # a row the broker refused, waiting for its retry in an hour: the relay leaves it
        clock.advance(dt.timedelta(seconds=10))
        async with svc.uows() as uow:
            await uow.session.execute(
                sa.insert(outbox).values(
                    message_id=uuid.uuid4(),
                    exchange="olymp.appeals",
                    routing_key="appeals.appeal_decided.v1",
                    payload={},
                    created_at=clock.now() - dt.timedelta(seconds=90),
                    next_attempt_at=clock.now() + dt.timedelta(hours=1),
                )
            )
            await uow.session.commit()
        waiting = await scrape(svc)
        assert waiting[("olymp_outbox_pending", "appeals")] == 1
        assert waiting[("olymp_outbox_oldest_pending_seconds", "appeals")] == 90

        async with svc.uows() as uow:
            await uow.session.execute(sa.update(outbox).values(published_at=clock.now()))
            await uow.session.commit()
        # scrapes within five seconds (by the service's clock) share one reading
        assert (await scrape(svc))[("olymp_outbox_pending", "appeals")] == 1
        clock.advance(dt.timedelta(seconds=5))
        published = await scrape(svc)
        assert published[("olymp_outbox_pending", "appeals")] == 0
        assert published[("olymp_outbox_oldest_pending_seconds", "appeals")] == 0


async def test_a_database_that_does_not_answer_keeps_the_last_values() -> None:
    # nothing listens on port 1: the reading fails at once, the scrape goes on
    engine = create_async_engine("postgresql+asyncpg://postgres@127.0.0.1:1/olymp_nowhere")
    clock = ManualClock(MORNING)
    gauges = StateGauges(async_sessionmaker(engine), clock, [outbox_gauges("nowhere")])
    failures = REGISTRY.get_sample_value("olymp_state_measure_failures_total", {"gauge": "outbox"})
    try:
        await gauges.measure()
        clock.advance(dt.timedelta(seconds=5))
        await gauges.measure()
    finally:
        await engine.dispose()
    after = REGISTRY.get_sample_value("olymp_state_measure_failures_total", {"gauge": "outbox"})
    assert (after or 0) - (failures or 0) == 2
    assert REGISTRY.get_sample_value("olymp_outbox_pending", {"service": "nowhere"}) is None


async def test_the_relay_times_each_row_from_commit_to_confirm() -> None:
    def lag(suffix: str) -> float:
        sample = REGISTRY.get_sample_value(
            f"olymp_outbox_publish_lag_seconds_{suffix}", {"service": "lagprobe"}
        )
        return sample or 0.0

    clock = ManualClock(MORNING)
    async with temporary_database("lag") as url:
        engine = create_async_engine(url)
        connection = await connect(AMQP_URL, name="olymp-test-lag")
        try:
            async with engine.begin() as conn:
                await conn.run_sync(events_metadata.create_all)
            channel = await connection.channel()
            await declare_exchanges(channel, ["lagprobe"])
            sessions = async_sessionmaker(engine, expire_on_commit=False)
            wakeup = Wakeup()
            async with UnitOfWorkFactory(sessions, clock, wakeup)() as uow:
                uow.publish(BellRung(room="Кабинет 12"))
                await uow.commit()
            before = (lag("count"), lag("sum"))
            clock.advance(dt.timedelta(seconds=3))
            relay = OutboxRelay("lagprobe", sessions, connection, clock, wakeup)
            assert await relay.publish_pending() == 1
        finally:
            await connection.close()
            await engine.dispose()
    assert (lag("count") - before[0], lag("sum") - before[1]) == (1, 3)
