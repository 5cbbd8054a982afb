"""Gauges of what a service's database holds, measured when Prometheus scrapes `/metrics`.

What matters on the olympiad day is state, not traffic: events waiting in the outbox, keys a mirror
has not acknowledged after the instant, pages in the manual queue, works still to mark. A counter
kept in a process would be wrong after a restart and differ between replicas; the database is the
truth, so each gauge is read from it, at scrape time (no background loop, and a value is never
older than the scrape). Each query reads an index of what is waiting, so its cost follows what
waits, not the season's history. Scrapes closer together than `min_interval_s` (two Prometheus
replicas; the service's clock decides, so a test moves it on) reuse the last reading; a reading that fails leaves the last values, is logged and
counted in `olymp_state_measure_failures`, and never fails the scrape.

Every service has the outbox gauges (`outbox_gauges`); a service adds its own with
`Service(gauges=[...])`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from prometheus_client import Counter, Gauge
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from olymp_core.clock import Clock
from olymp_core.events.tables import outbox

log = logging.getLogger("olymp.state_metrics")

MEASURE_FAILURES = Counter(
    "olymp_state_measure_failures",
    "Readings of a database gauge that failed (the gauge keeps its last value)",
    ["gauge"],
)
OUTBOX_PENDING = Gauge(
    "olymp_outbox_pending", "Outbox rows committed and not yet published", ["service"]
)
OUTBOX_OLDEST = Gauge(
    "olymp_outbox_oldest_pending_seconds",
    "Age of the oldest outbox row not yet published (0 when none waits)",
    ["service"],
)

Measure = Callable[[AsyncSession, dt.datetime], Awaitable[None]]


@dataclass(frozen=True)
class StateGauge:
    """`measure(session, now)` reads the database and sets its gauges."""

    name: str
    measure: Measure


class StateGauges:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        gauges: Sequence[StateGauge],
        *,
        min_interval_s: float = 5.0,
        timeout_s: float = 5.0,
    ) -> None:
        self.gauges = tuple(gauges)
        self._sessions = sessions
        self._clock = clock
        self._min_interval = dt.timedelta(seconds=min_interval_s)
        self._timeout_s = timeout_s
        self._measured_at: dt.datetime | None = None
        self._lock = asyncio.Lock()

    async def measure(self) -> None:
        """Read every gauge, each in a read-only transaction of its own, unless the last reading
        is younger than `min_interval_s` by the service's clock."""
        async with self._lock:  # concurrent scrapes wait for one reading instead of making two
            now = self._clock.now()
            if self._measured_at is not None and (
                dt.timedelta(0) <= now - self._measured_at < self._min_interval
            ):
                return
            self._measured_at = now
            for gauge in self.gauges:
                try:
                    async with asyncio.timeout(self._timeout_s), self._sessions() as session:
                        await gauge.measure(session, now)
                except Exception as exc:  # a scrape must answer even with the database down
                    MEASURE_FAILURES.labels(gauge.name).inc()
                    log.warning(
                        "gauge not measured", extra={"gauge": gauge.name, "error": repr(exc)}
                    )


def outbox_gauges(service: str) -> StateGauge:
    """Rows waiting in the outbox and the age of the oldest (the relay's partial index)."""

    async def measure(session: AsyncSession, now: dt.datetime) -> None:
        waiting = outbox.c.published_at.is_(None)
        pending = await session.scalar(sa.select(sa.func.count()).where(waiting))
        oldest = await session.scalar(
            sa.select(outbox.c.created_at).where(waiting).order_by(outbox.c.id).limit(1)
        )
        OUTBOX_PENDING.labels(service).set(pending or 0)
        OUTBOX_OLDEST.labels(service).set(
            0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())
        )

    return StateGauge("outbox", measure)


def set_by_label(gauge: Gauge, counts: dict[tuple[str, ...], float]) -> None:
    """Set a labelled gauge to `counts`; a series it showed before and `counts` lacks reads 0 (a
    subject whose queue emptied), so a rate or an alert over it sees the fall, not a gap."""
    # a sample's labels are in the gauge's label order
    shown = {
        tuple(sample.labels.values()) for family in gauge.collect() for sample in family.samples
    }
    for labels in shown - counts.keys():
        gauge.labels(*labels).set(0)
    for labels, value in counts.items():
        gauge.labels(*labels).set(value)
