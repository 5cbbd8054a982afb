"""Consumers: apply each message once, ack after commit, dead-letter poison with its error.

A subscription names a queue, the events it takes and a handler `(event, uow) -> None`. For each message:
open a unit of work, insert (consumer, message id) into the inbox — if it is already there the message was
applied before and is only acked — run the handler, commit, then ack. A failing handler is retried by
requeueing; on its last allowed attempt, or at once if the message cannot be parsed at all, the message is
sent to the dead-letter queue with the error in its headers and acked, never silently dropped.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from prometheus_client import Counter
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError

from olymp_core.events.broker import Binding, declare_binding
from olymp_core.events.model import DEAD_LETTER_EXCHANGE, Event
from olymp_core.events.tables import inbox

if TYPE_CHECKING:  # the unit of work module imports events; only its types are needed here
    from olymp_core.db import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("olymp.consumer")

CONSUMED = Counter("olymp_events_consumed", "Messages handled", ["queue", "outcome"])

Handler = Callable[[Any, "UnitOfWork"], Awaitable[None]]

MAX_ATTEMPTS = 5
TRANSIENT_RETRIES = 5
TRANSIENT_SQLSTATES = {"40P01", "40001"}  # deadlock detected, serialization failure


@dataclass(frozen=True)
class Subscription:
    """`queue` receives `events`; `handler(event, uow)` applies one of them inside the unit of work."""

    queue: str
    events: tuple[type[Event], ...]
    handler: Handler
    max_attempts: int = MAX_ATTEMPTS

    @property
    def binding(self) -> Binding:
        return Binding(self.queue, self.events)


class PoisonMessage(Exception):
    """The message can never be applied (unknown type, invalid payload): dead-letter it at once."""


class Consumer:
    def __init__(self, subscription: Subscription, uows: UnitOfWorkFactory) -> None:
        self.subscription = subscription
        self._uows = uows
        self._by_key = {e.routing_key(): e for e in subscription.events}
        # aio-pika runs callbacks concurrently up to the prefetch count; one message at a time per
        # queue keeps handlers of the same aggregate from deadlocking each other
        self._one_at_a_time = asyncio.Lock()

    async def start(self, channel: AbstractChannel, prefetch: int = 20) -> None:
        await channel.set_qos(prefetch_count=prefetch)
        queue = await declare_binding(channel, self.subscription.binding)
        await queue.consume(self.on_message)

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        async with self._one_at_a_time:
            await self._handle(message)

    async def _handle(self, message: AbstractIncomingMessage) -> None:
        queue = self.subscription.queue
        try:
            event, message_id = self._parse(message)
            applied = await self._apply_retrying_conflicts(event, message_id, message)
            await message.ack()
            CONSUMED.labels(queue, "applied" if applied else "duplicate").inc()
        except PoisonMessage as exc:
            await self._dead_letter(message, exc)
            CONSUMED.labels(queue, "poison").inc()
        except Exception as exc:
            attempt = _delivery_count(message) + 1
            if attempt >= self.subscription.max_attempts:
                await self._dead_letter(message, exc)
                CONSUMED.labels(queue, "dead_lettered").inc()
            else:
                log.warning(
                    "handler failed; message requeued",
                    extra={"queue": queue, "attempt": attempt, "error": repr(exc)},
                )
                await message.nack(requeue=True)
                CONSUMED.labels(queue, "retried").inc()

    def _parse(self, message: AbstractIncomingMessage) -> tuple[Event, uuid.UUID]:
        key = message.type or message.routing_key or ""
        event_cls = self._by_key.get(key)
        if event_cls is None:
            raise PoisonMessage(f"queue {self.subscription.queue} does not handle {key!r}")
        try:
            message_id = uuid.UUID(message.message_id or "")
            payload = json.loads(message.body)
            return event_cls.model_validate(payload), message_id
        except (ValueError, ValidationError) as exc:
            raise PoisonMessage(f"invalid {key} message: {exc}") from exc

    async def _apply_retrying_conflicts(
        self, event: Event, message_id: uuid.UUID, message: AbstractIncomingMessage
    ) -> bool:
        """A deadlock or serialization failure is the database asking to try again, not poison."""
        for attempt in range(1, TRANSIENT_RETRIES + 1):
            try:
                return await self._apply(event, message_id, message)
            except DBAPIError as exc:
                if attempt == TRANSIENT_RETRIES or not _is_transient(exc):
                    raise
                log.info(
                    "transaction conflict; retrying",
                    extra={"queue": self.subscription.queue, "attempt": attempt},
                )
                # a short back-off lets the other transaction finish (not a wait for an event)
                await asyncio.sleep(0.05 * attempt)
        raise AssertionError("unreachable")

    async def _apply(
        self, event: Event, message_id: uuid.UUID, message: AbstractIncomingMessage
    ) -> bool:
        headers = message.headers or {}
        correlation = headers.get("correlation_id")
        async with self._uows(correlation_id=str(correlation) if correlation else None) as uow:
            first_time = await uow.session.execute(
                pg_insert(inbox)
                .values(
                    consumer=self.subscription.queue,
                    message_id=message_id,
                    routing_key=event.routing_key(),
                    processed_at=uow.clock.now(),
                )
                .on_conflict_do_nothing()
                .returning(inbox.c.message_id)
            )
            if first_time.first() is None:
                return False
            await self.subscription.handler(event, uow)
            await uow.commit()
            return True

    async def _dead_letter(self, message: AbstractIncomingMessage, error: Exception) -> None:
        log.error(
            "message dead-lettered",
            extra={
                "queue": self.subscription.queue,
                "message_id": message.message_id,
                "error": repr(error),
            },
        )
        channel = message.channel
        headers: dict[str, Any] = dict(message.headers or {})
        headers.update(
            {
                "x-error": str(error)[:2000],
                "x-error-type": type(error).__name__,
                "x-original-routing-key": message.routing_key or "",
                "x-original-exchange": message.exchange or "",
            }
        )
        dead = aio_pika.Message(
            body=message.body,
            content_type=message.content_type,
            message_id=message.message_id,
            type=message.type,
            headers=headers,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        await channel.basic_publish(
            dead.body,
            exchange=DEAD_LETTER_EXCHANGE,
            routing_key=self.subscription.queue,
            properties=dead.properties,
        )
        await message.ack()


def _is_transient(exc: DBAPIError) -> bool:
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code in TRANSIENT_SQLSTATES or "deadlock detected" in str(exc)


def _delivery_count(message: AbstractIncomingMessage) -> int:
    """Failed deliveries so far, as counted by the quorum queue (absent on the first delivery)."""
    value = (message.headers or {}).get("x-delivery-count", 0)
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0
