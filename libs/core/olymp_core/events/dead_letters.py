"""Watching dead letters: their depth per queue as a metric, a look at them, and moving them back.

A message lands in `<queue>.dlq` when its handler kept failing or it could not be parsed; the sweeper
heals what it can, but a person must look at the rest. Each service reports the depth of its own
dead-letter queues as the gauge `olymp_dead_letters{queue}` (alert on > 0); `olymp status` lists the
non-empty ones; `olymp events dead-letters <queue>` shows them with their error and
`olymp events replay <queue>` puts them back in front of their consumer once the cause is fixed.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractRobustConnection
from aiormq.exceptions import ChannelNotFoundEntity
from prometheus_client import Gauge

from olymp_core.lifecycle import Loop

log = logging.getLogger("olymp.dead_letters")

DEAD_LETTERS = Gauge(
    "olymp_dead_letters", "Messages waiting in a consumer's dead-letter queue", ["queue"]
)

DLQ_SUFFIX = ".dlq"
# headers the consumer or the broker add when a message dies; a replayed message starts afresh
_DEATH_HEADERS = ("x-error", "x-error-type", "x-death", "x-first-death", "x-last-death")


def dead_letter_queue(queue: str) -> str:
    return queue + DLQ_SUFFIX


async def depths(connection: AbstractConnection, queues: Iterable[str]) -> dict[str, int | None]:
    """Messages in the dead-letter queue of each consumer queue (None: not declared)."""
    found: dict[str, int | None] = {}
    channel: AbstractChannel | None = None
    try:
        for queue in queues:
            if channel is None or channel.is_closed:
                channel = await connection.channel()
            try:
                declared = await channel.declare_queue(dead_letter_queue(queue), passive=True)
            except ChannelNotFoundEntity:  # the broker closes the channel over a missing queue
                found[queue] = None
                channel = None
                continue
            result = declared.declaration_result
            found[queue] = int(result.message_count or 0)
    finally:
        if channel is not None and not channel.is_closed:
            with contextlib.suppress(Exception):
                await channel.close()
    return found


class DeadLetterWatch:
    """Sets `olymp_dead_letters{queue}` for a service's consumer queues, every `interval` seconds."""

    def __init__(
        self,
        queues: Iterable[str],
        connection: Callable[[], Awaitable[AbstractRobustConnection]],
        *,
        interval: float = 30.0,
    ) -> None:
        self.queues = tuple(queues)
        self._connection = connection
        self.loop = Loop.every("dead-letter-watch", self.measure, interval=interval)

    async def measure(self) -> dict[str, int | None]:
        connection = await self._connection()
        if not connection.connected.is_set():
            return {}
        measured = await depths(connection, self.queues)
        for queue, depth in measured.items():
            DEAD_LETTERS.labels(queue).set(depth or 0)
            if depth:
                log.warning(
                    "dead letters waiting",
                    extra={"queue": dead_letter_queue(queue), "messages": depth},
                )
        return measured


@dataclass(frozen=True)
class DeadLetter:
    message_id: str | None
    event_type: str | None
    error_type: str | None
    error: str | None
    body: bytes


async def peek(connection: AbstractConnection, queue: str, limit: int = 20) -> list[DeadLetter]:
    """Up to `limit` dead letters of `queue`, left where they are."""
    channel = await connection.channel()
    try:
        dlq = await channel.declare_queue(dead_letter_queue(queue), passive=True)
        letters: list[DeadLetter] = []
        while len(letters) < limit:
            message = await dlq.get(fail=False, no_ack=False)
            if message is None:
                break
            headers = message.headers or {}
            letters.append(
                DeadLetter(
                    message.message_id,
                    message.type,
                    _text(headers.get("x-error-type")),
                    _text(headers.get("x-error")),
                    message.body,
                )
            )
        return letters
    finally:
        # closing the channel returns every unacknowledged message to the dead-letter queue
        await channel.close()


async def replay(connection: AbstractConnection, queue: str, *, limit: int | None = None) -> int:
    """Move the dead letters of `queue` back into `queue` (its consumer alone); returns how many.

    Only the messages there when it starts are moved, so a message that dies again at once is
    not replayed in a circle. Each one is published with a confirm before it is removed.
    """
    channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
    try:
        await channel.declare_queue(queue, passive=True)  # the consumer's queue must exist
        dlq = await channel.declare_queue(dead_letter_queue(queue), passive=True)
        waiting = int(dlq.declaration_result.message_count or 0)
        todo = waiting if limit is None else min(waiting, limit)
        moved = 0
        while moved < todo:
            message = await dlq.get(fail=False, no_ack=False)
            if message is None:
                break
            headers: dict[str, Any] = {
                k: v for k, v in (message.headers or {}).items() if k not in _DEATH_HEADERS
            }
            headers["x-replayed"] = int(headers.get("x-replayed", 0) or 0) + 1
            headers.pop("x-delivery-count", None)
            again = aio_pika.Message(
                body=message.body,
                content_type=message.content_type,
                message_id=message.message_id,
                type=message.type,
                headers=headers,
                timestamp=message.timestamp,
                app_id=message.app_id,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            )
            # the default exchange routes by queue name: back to this consumer, not to every
            # consumer of the event (the others applied it already)
            await channel.default_exchange.publish(again, routing_key=queue, mandatory=True)
            await message.ack()
            moved += 1
        return moved
    finally:
        await channel.close()


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return str(value)
