"""The events appeals consumes, delivered through the real broker: decoding, scores, rescoring."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal

import aio_pika
import pytest

from olymp_appeals import store
from olymp_core.clock import local_instant
from olymp_core.contracts.coding import DecodedWork, WorksDecoded
from olymp_core.contracts.scoring import ScoredWork, SubjectGradeChecked, WorkRescored
from olymp_core.events import Event, connect
from olymp_core.testing.databases import AMQP_URL

from .conftest import TASK_MAX, ZONE, Olympiad

pytestmark = pytest.mark.integration


async def publish(*events: Event) -> None:
    connection = await connect(AMQP_URL, name="appeals-test-publisher")
    try:
        channel = await connection.channel(publisher_confirms=True)
        for event in events:
            exchange = await channel.get_exchange(event.exchange())
            message = aio_pika.Message(
                event.model_dump_json().encode(),
                message_id=str(uuid.uuid4()),
                type=event.routing_key(),
                content_type="application/json",
            )
            await exchange.publish(message, routing_key=event.routing_key())
    finally:
        await connection.close()


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.05)


def scored(work_code: str, first_task: str) -> ScoredWork:
    scores = {"1": Decimal(first_task), "2": Decimal(2), "3": Decimal(0)}
    return ScoredWork(
        work_code=work_code,
        task_scores=scores,
        total=sum(scores.values(), Decimal(0)),
        max_total=Decimal(30),
    )


async def test_decoded_and_scored_work_becomes_appealable_and_follows_rescoring(
    olympiad: Olympiad,
) -> None:
    participant_id = uuid.uuid4()
    common = {"olympiad_id": olympiad.olympiad_id, "subject_code": "math", "grade": 9}
    # Decoding may overtake the scores: the work is appealable only once both arrived.
    await publish(
        WorksDecoded(
            **common, works=(DecodedWork(work_code="M9-777", participant_id=participant_id),)
        ),
        SubjectGradeChecked(**common, task_max=TASK_MAX, works=(scored("M9-777", "4"),)),
    )

    async def first_task_is(score: str) -> bool:
        async with olympiad.appeals.svc.uows() as uow:
            work = await store.get_work(uow.session, olympiad.olympiad_id, "math", "M9-777")
        return (
            work is not None
            and work.participant_id == participant_id
            and work.task_scores is not None
            and work.task_scores["1"] == Decimal(score)
        )

    await eventually(lambda: first_task_is("4"))
    await publish(WorkRescored(**common, appeal_id=uuid.uuid4(), work=scored("M9-777", "7")))
    await eventually(lambda: first_task_is("7"))

    olympiad.appeals.clock.set(local_instant(dt.date(2025, 11, 24), dt.time(9), ZONE))
    await olympiad.open_window(local_instant(dt.date(2025, 11, 21), dt.time(18), ZONE))
    filed = await olympiad.file(participant_id, [1])
    assert filed.status_code == 201, filed.text
    assert filed.json()["work_code"] == "M9-777"
