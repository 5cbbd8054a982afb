"""The outbox relay: publishes committed outbox rows with publisher confirms, then marks them sent.

Rows are claimed with `FOR UPDATE SKIP LOCKED`, so several replicas of a service can run relays side by
side. A row is marked published only after the broker confirmed it *and routed it to a queue*; if the
connection is down the rows stay and are retried, so an event committed during an outage is delivered
when the broker is back.

A row the broker refuses on its own account — returned because no queue is bound to its routing key
(the consumer's topology may be declared later), nacked, or sent to an exchange that does not exist —
is kept, counted and logged, and retried after a back-off of its own (`next_attempt_at`); it does not
stop the rows behind it. Order is kept per *stream*: the rows of one event type and one olympiad (the
aggregate every event names) are published in commit order, so a failing row holds back only the later
rows of its own stream. Consumers take each event type from a queue of its own, so no order between
different event types ever reached them; within a stream it matters, since events such as
`WorkRescored` or `SubjectGradeChecked` carry the whole current state and the last one must win.

An event declared with `listeners_optional` (an announcement no service consumes yet) is marked
published when it is returned: nothing is waiting for it, and the producer's database keeps the fact.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aio_pika
import sqlalchemy as sa
from aio_pika.abc import AbstractChannel, AbstractRobustConnection
from aiormq.exceptions import ChannelNotFoundEntity, DeliveryError, PublishError
from prometheus_client import Counter, Histogram
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from olymp_core.clock import Clock
from olymp_core.events.model import catalogue
from olymp_core.events.tables import outbox
from olymp_core.lifecycle import Loop, Wakeup
from olymp_core.retry import Backoff
from olymp_core.tracing import Tracing

log = logging.getLogger("olymp.outbox")

PUBLISHED = Counter("olymp_outbox_published", "Outbox rows published and confirmed", ["service"])
FAILED = Counter(
    "olymp_outbox_publish_failures", "Failed attempts to publish outbox rows", ["service"]
)
RETURNED = Counter(
    "olymp_outbox_returned",
    "Outbox rows the broker returned (no queue bound); kept and retried",
    ["service", "routing_key"],
)
# from the commit that wrote a row to the broker's confirm: what the events' readers wait for
PUBLISH_LAG = Histogram(
    "olymp_outbox_publish_lag_seconds",
    "From an outbox row's commit to its confirmed publication",
    ["service"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
)
UNROUTED = Counter(
    "olymp_outbox_unrouted",
    "Announcements nobody listens to yet, published without a queue to take them",
    ["service", "routing_key"],
)

# one row's retries: soon at first (a consumer may be declaring its queue right now), then at most
# once a minute, so a row that cannot go costs a publish a minute and blocks nothing else
ROW_BACKOFF = Backoff(first=1.0, cap=60.0)

Stream = tuple[str, str | None]


class RowRefused(Exception):
    """The broker refused this row (returned, nacked, unknown exchange); other rows may still go."""


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
        row_backoff: Backoff = ROW_BACKOFF,
        linger: float = 0.0,
        pause: Callable[[float], Awaitable[None]] = asyncio.sleep,
        tracing: Tracing | None = None,
    ) -> None:
        self.service = service
        self._sessions = sessions
        self._connection = connection
        self._clock = clock
        self._wakeup = wakeup
        self._batch_size = batch_size
        self._row_backoff = row_backoff
        self._linger, self._pause = linger, pause
        self._last_pass = -math.inf
        self._tracing = tracing or Tracing(None)
        self._channel: AbstractChannel | None = None

    async def _get_channel(self) -> AbstractChannel:
        if self._channel is None or self._channel.is_closed:
            # on_return_raises: a message no queue took must not count as delivered (aio-pika's
            # default resolves the confirmation of a returned message as if it had been routed)
            self._channel = await self._connection.channel(
                publisher_confirms=True, on_return_raises=True
            )
        return self._channel

    async def _drop_channel(self) -> None:
        channel, self._channel = self._channel, None
        if channel is not None and not channel.is_closed:
            with contextlib.suppress(Exception):
                await channel.close()

    async def publish_pending(self) -> int:
        """Publish one batch of due rows; returns how many were confirmed (or announced unheard).

        While the broker connection is down nothing is claimed: the rows wait in the outbox and the
        robust connection reconnects on its own.
        """
        if not self._connection.connected.is_set():
            return 0
        now = self._clock.now()
        async with self._sessions() as session, session.begin():
            rows = (await session.execute(_due_rows(now, self._batch_size))).all()
            if not rows:
                return 0
            published: list[int] = []
            refused: list[tuple[Any, RowRefused]] = []
            held: set[Stream] = set()
            for row in rows:
                stream = _stream_of(row)
                if stream in held:
                    continue  # an earlier row of its stream was refused just now: keep the order
                try:
                    await self._publish(row)
                except RowRefused as exc:
                    refused.append((row, exc))
                    held.add(stream)
                    continue
                except Exception as exc:
                    # the connection or channel is gone: not this row's fault, so no back-off of
                    # its own; the rows stay and the loop retries when the broker is back
                    FAILED.labels(self.service).inc()
                    await self._drop_channel()
                    await session.execute(
                        sa.update(outbox)
                        .where(outbox.c.id == row.id)
                        .values(last_error=repr(exc)[:500])
                    )
                    log.warning(
                        "outbox publish failed; rows stay queued",
                        extra={"outbox_id": row.id, "error": repr(exc)},
                    )
                    break
                published.append(row.id)
                PUBLISH_LAG.labels(self.service).observe(
                    max(0.0, (self._clock.now() - row.created_at).total_seconds())
                )
            if published:
                await session.execute(
                    sa.update(outbox).where(outbox.c.id.in_(published)).values(published_at=now)
                )
                PUBLISHED.labels(self.service).inc(len(published))
            await self._postpone(session, refused, now)
            return len(published)

    async def _publish(self, row: Any) -> None:
        channel = await self._get_channel()
        exchange = await channel.get_exchange(row.exchange, ensure=False)
        with self._tracing.publishing(
            row.exchange, row.routing_key, str(row.message_id), row.headers
        ) as headers:
            await self._confirmed(exchange, row, headers)

    async def _confirmed(self, exchange: Any, row: Any, headers: dict[str, Any]) -> None:
        message = aio_pika.Message(
            body=_json_bytes(row.payload),
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=str(row.message_id),
            type=row.routing_key,
            timestamp=row.created_at,
            headers=headers,
            app_id=self.service,
        )
        try:
            # With confirms on, this returns only after the broker has taken the message.
            await exchange.publish(message, routing_key=row.routing_key, mandatory=True, timeout=10)
        except PublishError as exc:
            if _listeners_optional(row.routing_key):
                UNROUTED.labels(self.service, row.routing_key).inc()
                return
            RETURNED.labels(self.service, row.routing_key).inc()
            raise RowRefused(
                f"returned by the broker: no queue is bound to {row.routing_key} on {row.exchange}"
            ) from exc
        except ChannelNotFoundEntity as exc:
            # the broker closed the channel over this row (its exchange does not exist yet)
            await self._drop_channel()
            raise RowRefused(f"refused by the broker: {exc}") from exc
        except DeliveryError as exc:
            raise RowRefused(f"not confirmed by the broker: {exc!r}") from exc

    async def _postpone(
        self, session: AsyncSession, refused: Sequence[tuple[Any, RowRefused]], now: dt.datetime
    ) -> None:
        for row, error in refused:
            attempts = row.attempts + 1
            retry_at = now + dt.timedelta(seconds=self._row_backoff.pause(attempts))
            await session.execute(
                sa.update(outbox)
                .where(outbox.c.id == row.id)
                .values(attempts=attempts, last_error=str(error)[:500], next_attempt_at=retry_at)
            )
            FAILED.labels(self.service).inc()
            log.warning(
                "outbox row refused; kept for a retry, its stream waits",
                extra={
                    "outbox_id": row.id,
                    "routing_key": row.routing_key,
                    "attempt": attempts,
                    "retry_at": retry_at.isoformat(),
                    "error": str(error),
                },
            )

    def loop(self, poll_interval: float) -> Loop:
        """The relay as a background loop: at once while rows wait, else when a commit wakes it."""

        async def step() -> float | None:
            # A pass right after the previous one waits out the linger: the commits of that
            # moment go as one batch instead of a transaction each (see outbox_linger_s).
            wait = self._last_pass + self._linger - time.monotonic()
            if wait > 0:
                await self._pause(wait)
            self._last_pass = time.monotonic()
            # Again at once only after a full batch (more may wait); after a partial one the
            # outbox is drained, and a commit made meanwhile has already set the wakeup, so an
            # empty pass (a transaction for nothing, per event under load) is not needed.
            return 0.0 if await self.publish_pending() >= self._batch_size else None

        return Loop(
            f"{self.service}-relay",
            step,
            interval=poll_interval,
            wakeup=self._wakeup,
            backoff=Backoff(first=0.5, cap=10.0),
        )


def _due_rows(now: dt.datetime, limit: int) -> sa.Select[Any]:
    """Unpublished rows whose time has come, oldest first, except those behind a waiting row of
    their own stream (an earlier unpublished row of the same event type and olympiad whose retry
    is still ahead)."""
    earlier = outbox.alias("earlier")
    waiting_before = (
        sa.select(earlier.c.id)
        .where(
            earlier.c.published_at.is_(None),
            earlier.c.next_attempt_at > now,
            earlier.c.id < outbox.c.id,
            earlier.c.routing_key == outbox.c.routing_key,
            earlier.c.payload["olympiad_id"].astext.is_not_distinct_from(
                outbox.c.payload["olympiad_id"].astext
            ),
        )
        .exists()
    )
    return (
        sa.select(outbox)
        .where(
            outbox.c.published_at.is_(None),
            sa.or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now),
            ~waiting_before,
        )
        .order_by(outbox.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


def _stream_of(row: Any) -> Stream:
    payload = row.payload if isinstance(row.payload, dict) else {}
    olympiad = payload.get("olympiad_id")
    return row.routing_key, None if olympiad is None else str(olympiad)


def _listeners_optional(routing_key: str) -> bool:
    event_cls = catalogue().get(routing_key)
    return event_cls is not None and event_cls.listeners_optional


def _json_bytes(payload: object) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
