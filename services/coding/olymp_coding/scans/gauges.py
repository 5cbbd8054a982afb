"""Coding's gauges of the day (read at each scrape, `olymp_core.state_metrics`): the pages waiting in
the coding officer's manual queue, by the subject of the station that scanned them, and how long the
oldest has waited. A queue that keeps growing means a scan station uploads unreadable pages.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from prometheus_client import Gauge
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_coding.scans.store import QUEUE_PENDING, scanned_pages
from olymp_core.state_metrics import StateGauge, set_by_label

MANUAL_QUEUE = Gauge(
    "olymp_coding_manual_queue_pages",
    "Scanned pages waiting in the manual queue, by the scanning station's subject",
    ["subject"],
)
MANUAL_QUEUE_OLDEST = Gauge(
    "olymp_coding_manual_queue_oldest_seconds",
    "How long the oldest page in the manual queue has waited (0 when none waits)",
)


async def measure_manual_queue(session: AsyncSession, now: dt.datetime) -> None:
    # both read the partial index of pending pages (migration 0007), never the season's pages
    pending = scanned_pages.c.queue_state == QUEUE_PENDING
    rows = await session.execute(
        sa.select(
            scanned_pages.c.station_subject,
            sa.func.count(),
            sa.func.min(scanned_pages.c.uploaded_at),
        )
        .where(pending)
        .group_by(scanned_pages.c.station_subject)
    )
    counts: dict[tuple[str, ...], float] = {}
    oldest: dt.datetime | None = None
    for subject, count, first in rows:
        counts[(subject,)] = float(count)
        oldest = first if oldest is None else min(oldest, first)
    set_by_label(MANUAL_QUEUE, counts)
    MANUAL_QUEUE_OLDEST.set(0.0 if oldest is None else max(0.0, (now - oldest).total_seconds()))


MANUAL_QUEUE_GAUGE = StateGauge("coding_manual_queue", measure_manual_queue)
