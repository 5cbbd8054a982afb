"""The outbox relay: publishes committed outbox rows with publisher confirms, then marks them sent.

Rows are claimed with `FOR UPDATE SKIP LOCKED`, so several replicas of a service can run relays side by
side. A row is marked published only after the broker confirmed it; if the connection is down the rows
stay and are retried, so an event committed during an outage is delivered when the broker is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

import aio_pika
import sqlalchemy as sa
from aio_pika.abc import AbstractChannel, AbstractRobustConnection
from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from olymp_core.clock import Clock
from olymp_core.events.tables import outbox

if TYPE_CHECKING:  # the unit of work module imports events; only its types are needed here
    from olymp_core.db import OutboxSignal

log = logging.getLogger("olymp.outbox")

PUBLISHED = Counter("olymp_outbox_published", "Outbox rows published and confirmed", ["service"])
FAILED = Counter(
    "olymp_outbox_publish_failures", "Failed attempts to publish outbox rows", ["service"]
)


class OutboxRelay:
    def __init__(
        self,
        service: str,
        sessions: async_sessionmaker[AsyncSession],
        connection: AbstractRobustConnection,
        clock: Clock,
        signal: OutboxSignal,
        *,
        batch_size: int = 200,
        poll_interval: float = 1.0,
    ) -> None:
        self.service = service
        self._sessions = sessions
        self._connection = connection
        self._clock = clock
        self._signal = signal
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._channel: AbstractChannel | None = None

    async def _get_channel(self) -> AbstractChannel:
        if self._channel is None or self._channel.is_closed:
            self._channel = await self._connection.channel(publisher_confirms=True)
            # an event nobody subscribes to is returned by the broker; that is allowed (some events
            # are for observers and later consumers) but worth a line in the log
            self._channel.return_callbacks.add(self._on_returned)
        return self._channel

    def _on_returned(self, channel: object, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        log.warning(
            "event had no queue bound to it",
            extra={"routing_key": message.routing_key, "message_id": message.message_id},
        )

    async def _drop_channel(self) -> None:
        channel, self._channel = self._channel, None
        if channel is not None and not channel.is_closed:
            with contextlib.suppress(Exception):
                await channel.close()

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished rows; returns how many were confirmed.

        While the broker connection is down nothing is claimed: the rows wait in the outbox and the
        robust connection reconnects on its own.
        """
        if not self._connection.connected.is_set():
            return 0
        async with self._sessions() as session, session.begin():
            rows = (
                await session.execute(
                    sa.select(outbox)
                    .where(outbox.c.published_at.is_(None))
                    .order_by(outbox.c.id)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            published: list[int] = []
            try:
                channel = await self._get_channel()
                for row in rows:
                    exchange = await channel.get_exchange(row.exchange, ensure=False)
                    message = aio_pika.Message(
                        body=_json_bytes(row.payload),
                        content_type="application/json",
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                        message_id=str(row.message_id),
                        type=row.routing_key,
                        timestamp=row.created_at,
                        headers=dict(row.headers),
                        app_id=self.service,
                    )
                    # With confirms on, this returns only after the broker has taken the message.
                    await exchange.publish(
                        message, routing_key=row.routing_key, mandatory=True, timeout=10
                    )
                    published.append(row.id)
            except Exception as exc:
                FAILED.labels(self.service).inc()
                await self._drop_channel()
                failed = rows[len(published)]
                await session.execute(
                    sa.update(outbox)
                    .where(outbox.c.id == failed.id)
                    .values(attempts=outbox.c.attempts + 1, last_error=repr(exc)[:500])
                )
                log.warning(
                    "outbox publish failed; rows stay queued",
                    extra={"outbox_id": failed.id, "error": repr(exc)},
                )
            if published:
                await session.execute(
                    sa.update(outbox)
                    .where(outbox.c.id.in_(published))
                    .values(published_at=self._clock.now())
                )
                PUBLISHED.labels(self.service).inc(len(published))
            return len(published)

    async def run(self, stop: asyncio.Event) -> None:
        backoff = 0.0
        while not stop.is_set():
            try:
                count = await self.publish_pending()
                backoff = 0.0
            except (
                Exception
            ) as exc:  # the database or broker is away: keep trying, say so once per try
                log.warning("outbox relay pass failed", extra={"error": repr(exc)})
                count = 0
                backoff = min(max(backoff * 2, 0.5), 10.0)
            if count:
                continue  # more may be waiting
            await self._signal.wait(backoff or self._poll_interval)


def _json_bytes(payload: object) -> bytes:
    import json

    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
