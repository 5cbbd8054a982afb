"""RabbitMQ topology: a topic exchange per producer, a durable quorum queue per consumer, dead letters.

Queue `<service>.<handler>` (e.g. `coding.on_participant_checked_in`) is bound to the producer's exchange
with the event's routing key. Quorum queues are replicated on a cluster and count deliveries: after
`x-delivery-limit` failed deliveries the broker dead-letters a message even if its consumer died mid-way.
Dead letters go to `olymp.dead-letter`, routed by queue name into `<queue>.dlq`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractRobustConnection

from olymp_core.events.model import DEAD_LETTER_EXCHANGE, Event, exchange_of

DELIVERY_LIMIT = 10


@dataclass(frozen=True)
class Binding:
    """A consumer queue and the events it receives."""

    queue: str
    events: tuple[type[Event], ...]

    @property
    def dead_letter_queue(self) -> str:
        return self.queue + ".dlq"


async def connect(
    amqp_url: str, *, name: str = "olymp", reconnect_interval: float = 2.0
) -> AbstractRobustConnection:
    """A connection that reconnects by itself and restores its channels, exchanges and queues."""
    return await aio_pika.connect_robust(
        amqp_url,
        reconnect_interval=reconnect_interval,
        client_properties={"connection_name": name},
    )


async def declare_exchanges(channel: AbstractChannel, producers: Iterable[str]) -> None:
    await channel.declare_exchange(DEAD_LETTER_EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True)
    for producer in sorted(set(producers)):
        await channel.declare_exchange(
            exchange_of(producer), aio_pika.ExchangeType.TOPIC, durable=True
        )


async def declare_binding(channel: AbstractChannel, binding: Binding) -> aio_pika.abc.AbstractQueue:
    """Declare a consumer's queue, its dead-letter queue and its bindings (idempotent)."""
    await declare_exchanges(channel, [e.producer for e in binding.events])
    dlx = await channel.get_exchange(DEAD_LETTER_EXCHANGE)
    dlq = await channel.declare_queue(
        binding.dead_letter_queue, durable=True, arguments={"x-queue-type": "quorum"}
    )
    await dlq.bind(dlx, routing_key=binding.queue)
    queue = await channel.declare_queue(
        binding.queue,
        durable=True,
        arguments={
            "x-queue-type": "quorum",
            "x-delivery-limit": DELIVERY_LIMIT,
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
            "x-dead-letter-routing-key": binding.queue,
        },
    )
    for event_cls in binding.events:
        exchange = await channel.get_exchange(event_cls.exchange())
        await queue.bind(exchange, routing_key=event_cls.routing_key())
    return queue
