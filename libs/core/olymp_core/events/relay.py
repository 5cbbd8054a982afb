"""The outbox relay: publishes committed outbox rows with publisher confirms, then marks them sent.

Rows are claimed with `FOR UPDATE SKIP LOCKED`, so several replicas of a service can run relays side by
side. A row is marked published only after the broker confirmed it; if the connection is down the rows
stay and are retried, so an event committed during an outage is delivered when the broker is back.
"""

from __future__ import annotations

import contextlib
import logging

import aio_pika
import sqlalchemy as sa
from aio_pika.abc import AbstractChannel, AbstractRobustConnection
from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from olymp_core.clock import Clock
from olymp_core.events.tables import outbox
from olymp_core.lifecycle import Loop, Wakeup
from olymp_core.retry import Backoff

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
        wakeup: Wakeup,
        *,
        batch_size: int = 200,
    ) -> None:
        self.service = service
        self._sessions = sessions
        self._connection = connection
        self._clock = clock
        self._wakeup = wakeup
        self._batch_size = batch_size
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

    def loop(self, poll_interval: float) -> Loop:
        """The relay as a background loop: at once while rows wait, else when a commit wakes it."""

        async def step() -> float | None:
            return 0.0 if await self.publish_pending() else None

        return Loop(
            f"{self.service}-relay",
            step,
            interval=poll_interval,
            wakeup=self._wakeup,
            backoff=Backoff(first=0.5, cap=10.0),
        )


def _json_bytes(payload: object) -> bytes:
    import json

    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
