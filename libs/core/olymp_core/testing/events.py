"""Test helpers for things that travel: deliver or publish an event, wait by polling."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import aio_pika

from olymp_core.events import Event, connect
from olymp_core.service import Service
from olymp_core.testing.databases import AMQP_URL


async def deliver(service: Service[Any], *events: Event) -> None:
    """What `service`'s consumer does for each event, minus the broker: its handler, then commit.

    The handler is the one the service's event table names, so a test exercises the same wiring.
    """
    for event in events:
        handler = service.events.handler_for(event)
        async with service.runtime.uows() as uow:
            await handler(event, uow)
            await uow.commit()


async def publish_to_broker(*events: Event, amqp_url: str = AMQP_URL) -> None:
    """Publish `events` as their producer's relay would (confirmed), bypassing any outbox."""
    connection = await connect(amqp_url, name="olymp-test-publisher")
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


async def eventually(check: Callable[[], Awaitable[bool]], within_s: float = 15.0) -> None:
    """Poll `check` until it holds; fail after `within_s` seconds (never a fixed sleep)."""
    deadline = time.monotonic() + within_s
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within_s} s")
        await asyncio.sleep(0.05)
