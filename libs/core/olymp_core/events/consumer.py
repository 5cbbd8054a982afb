"""Consumers: apply each message once, ack after commit, dead-letter poison with its error.

A subscription names a queue, the events it takes and a handler `(event, uow) -> None`. For each message:
open a unit of work, insert (consumer, message id) into the inbox — if it is already there the message was
applied before and is only acked — run the handler, commit, then ack. A failing handler is retried by
requeueing; on its last allowed attempt, or at once if the message cannot be parsed at all, the message is
sent to the dead-letter queue with the error in its headers and acked, never silently dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue
from prometheus_client import Counter
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from olymp_core.events.broker import Binding, declare_binding
from olymp_core.events.dead_letters import DeadLetterWatch
from olymp_core.events.model import DEAD_LETTER_EXCHANGE, Event
from olymp_core.events.tables import inbox
from olymp_core.retry import Backoff
from olymp_core.tracing import Tracing, mark_failed

if TYPE_CHECKING:  # the unit of work module imports events; only its types are needed here
    from aio_pika.abc import AbstractRobustConnection

    from olymp_core.db import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("olymp.consumer")

CONSUMED = Counter("olymp_events_consumed", "Messages handled", ["queue", "outcome"])
# a conflict or an outage retried in place costs no delivery attempt, so `retried` above misses it
RETRIED_IN_PLACE = Counter(
    "olymp_events_retried_in_place",
    "Handler runs repeated in place after a database conflict or outage",
    ["queue"],
)

Handler = Callable[[Any, "UnitOfWork"], Awaitable[None]]

MAX_ATTEMPTS = 5
TRANSIENT_RETRIES = 8
TRANSIENT_SQLSTATES = {"40P01", "40001"}  # deadlock detected, serialization failure
# The server going down or coming up (admin or crash shutdown, "the database system is starting
# up") and the connection-exception class 08: an outage, whatever class the driver wraps it in.
OUTAGE_SQLSTATES = {"57P01", "57P02", "57P03"}
OUTAGE_BACKOFF = Backoff(first=0.5, cap=15.0)


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
    def __init__(
        self, subscription: Subscription, uows: UnitOfWorkFactory, tracing: Tracing | None = None
    ) -> None:
        self.subscription = subscription
        self._uows = uows
        self._tracing = tracing or Tracing(None)
        self._by_key = {e.routing_key(): e for e in subscription.events}
        # aio-pika runs callbacks concurrently up to the prefetch count; one message at a time per
        # queue keeps handlers of the same aggregate from deadlocking each other
        self._one_at_a_time = asyncio.Lock()
        self._queue: AbstractQueue | None = None
        self._consumer_tag: str | None = None

    async def start(self, channel: AbstractChannel, prefetch: int = 1) -> None:
        # prefetch 1: messages handed out but not yet handled would go back on a restart, and a
        # quorum queue counts every return towards the message's delivery limit
        await channel.set_qos(prefetch_count=prefetch)
        self._queue = await declare_binding(channel, self.subscription.binding)
        self._consumer_tag = await self._queue.consume(self.on_message)

    async def stop(self) -> None:
        """Stop taking messages, then let the one in hand finish (so it is acked, not returned)."""
        if self._queue is not None and self._consumer_tag is not None:
            with contextlib.suppress(Exception):  # the channel may already be gone
                await self._queue.cancel(self._consumer_tag)
        async with self._one_at_a_time:
            self._queue = self._consumer_tag = None

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        async with self._one_at_a_time:
            await self._handle(message)

    async def _handle(self, message: AbstractIncomingMessage) -> None:
        queue = self.subscription.queue
        with self._tracing.consuming(
            queue,
            message.routing_key or "",
            message.message_id or "",
            message.headers or {},
        ) as span:
            outcome = await self._outcome(message)
            if outcome not in ("applied", "duplicate"):
                mark_failed(span, outcome)
        CONSUMED.labels(queue, outcome).inc()

    async def _outcome(self, message: AbstractIncomingMessage) -> str:
        """Handle `message` and say how it went (the label of `olymp_events_consumed`)."""
        queue = self.subscription.queue
        try:
            event, message_id = self._parse(message)
            applied = await self._apply_retrying_conflicts(event, message_id, message)
            await message.ack()
            return "applied" if applied else "duplicate"
        except PoisonMessage as exc:
            await self._dead_letter(message, exc)
            return "poison"
        except Exception as exc:
            attempt = _delivery_count(message) + 1
            if attempt >= self.subscription.max_attempts:
                await self._dead_letter(message, exc)
                return "dead_lettered"
            log.warning(
                "handler failed; message requeued",
                extra={"queue": queue, "attempt": attempt, "error": repr(exc)},
            )
            # reject, not nack: RabbitMQ 4.3+ counts only rejects towards the delivery limit
            await message.reject(requeue=True)
            return "retried"

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
        """Conflicts and an unreachable database are not the message's fault: retry here.

        A deadlock or serialization failure asks to try again at once; a database that is
        restarting gets a growing back-off (about a minute in all). Requeueing instead would spend
        the message's delivery attempts in milliseconds and dead-letter a whole queue during a
        short outage.
        """
        for attempt in range(1, TRANSIENT_RETRIES + 1):
            try:
                return await self._apply(event, message_id, message)
            except Exception as exc:
                pause = _retry_pause(exc, attempt)
                if attempt == TRANSIENT_RETRIES or pause is None:
                    raise
                log.info(
                    "database conflict or outage; retrying",
                    extra={
                        "queue": self.subscription.queue,
                        "attempt": attempt,
                        "error": repr(exc),
                    },
                )
                RETRIED_IN_PLACE.labels(self.subscription.queue).inc()
                await asyncio.sleep(pause)  # back-off before the retry, not a wait for an event
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


def _retry_pause(exc: Exception, attempt: int) -> float | None:
    """Seconds to wait before retrying `exc` in place, or None if retrying cannot help."""
    if isinstance(exc, DBAPIError):
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if code in TRANSIENT_SQLSTATES or "deadlock detected" in str(exc):
            return 0.05 * attempt
        outage = code is not None and (code in OUTAGE_SQLSTATES or str(code).startswith("08"))
        if (
            outage
            or exc.connection_invalidated
            or isinstance(exc, OperationalError | InterfaceError)
        ):
            return OUTAGE_BACKOFF.pause(attempt)
        return None
    if isinstance(exc, OSError | TimeoutError):  # the database is unreachable (connection refused)
        return OUTAGE_BACKOFF.pause(attempt)
    return None


def _delivery_count(message: AbstractIncomingMessage) -> int:
    """Failed deliveries so far, as counted by the quorum queue (absent on the first delivery)."""
    value = (message.headers or {}).get("x-delivery-count", 0)
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


class Consumers:
    """Every subscription of a service as one lifecycle: a channel and a consumer per queue."""

    name = "consumers"

    def __init__(
        self,
        subscriptions: Sequence[Subscription],
        uows: UnitOfWorkFactory,
        connection: Callable[[], Awaitable[AbstractRobustConnection]],
        *,
        dead_letter_interval: float = 30.0,
        tracing: Tracing | None = None,
    ) -> None:
        self.subscriptions = tuple(subscriptions)
        self._uows = uows
        self._tracing = tracing
        self._connection = connection
        self._running: list[Consumer] = []
        # the depth of each of these queues' dead letters, as a metric someone can alert on
        self.dead_letters = DeadLetterWatch(
            [s.queue for s in self.subscriptions], connection, interval=dead_letter_interval
        )

    async def start(self, tasks: asyncio.TaskGroup) -> None:
        if not self.subscriptions:
            return
        connection = await self._connection()
        for subscription in self.subscriptions:
            consumer = Consumer(subscription, self._uows, self._tracing)
            await consumer.start(await connection.channel())
            self._running.append(consumer)
        await self.dead_letters.loop.start(tasks)

    async def stop(self) -> None:
        await self.dead_letters.loop.stop()
        running, self._running = self._running, []
        for consumer in running:
            await consumer.stop()
