"""The hub's gauges of the day (read at each scrape, `olymp_core.state_metrics`): who is missing a key
after its instant, who has not confirmed receipt (§25) in time.

The municipalities counted are the expected ones (`OLYMP_MATERIALS_MUNICIPALITIES`) and every mirror
that ever subscribed to the feed or received a package. Only packages whose instant is within the
last day count: yesterday's round does not page anyone today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from prometheus_client import Gauge
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_core.state_metrics import StateGauge, set_by_label
from olymp_materials.feed.store import cursors, deliveries
from olymp_materials.store import packages

KEYS_UNDELIVERED = Gauge(
    "olymp_materials_keys_undelivered",
    "Keys not acknowledged by a municipality's mirror this long after the package's instant "
    "(OLYMP_MATERIALS_KEY_DELIVERY_LATE_AFTER_S), counted per municipality and package",
    ["subject"],
)
RECEIPTS_LATE = Gauge(
    "olymp_materials_receipts_late",
    "Released packages whose receipt a municipality has not confirmed within "
    "OLYMP_MATERIALS_RECEIPT_LATE_AFTER_MIN (§25), counted per municipality and package",
    ["subject"],
)

DAY = dt.timedelta(days=1)


def hub_gauges(
    expected: Sequence[str], *, key_late_after: dt.timedelta, receipt_late_after: dt.timedelta
) -> list[StateGauge]:
    async def keys(session: AsyncSession, now: dt.datetime) -> None:
        # the instant, not the hub's release: a hub that missed the instant counts here too
        counts = await _missing(
            session,
            expected,
            packages.c.release_at,
            deliveries.c.key_delivered_at,
            since=now - DAY,
            until=now - key_late_after,
        )
        set_by_label(KEYS_UNDELIVERED, counts)

    async def receipts(session: AsyncSession, now: dt.datetime) -> None:
        counts = await _missing(
            session,
            expected,
            packages.c.released_at,
            deliveries.c.receipt_at,
            since=now - DAY,
            until=now - receipt_late_after,
        )
        set_by_label(RECEIPTS_LATE, counts)

    return [StateGauge("materials_keys", keys), StateGauge("materials_receipts", receipts)]


async def _missing(
    session: AsyncSession,
    expected: Sequence[str],
    due: sa.ColumnElement[dt.datetime],
    done: sa.ColumnElement[dt.datetime],
    *,
    since: dt.datetime,
    until: dt.datetime,
) -> dict[tuple[str, ...], float]:
    """(municipality, package) pairs whose `due` instant lies in (since, until] and whose `done`
    instant is unset, by the package's subject."""
    municipalities = sa.union(
        sa.select(
            sa.func.unnest(sa.literal(list(expected), ARRAY(sa.Text))).label("municipality_id")
        ),
        sa.select(cursors.c.municipality_id),
        sa.select(deliveries.c.municipality_id),
    ).subquery("municipalities")
    pairs = packages.join(municipalities, sa.true()).outerjoin(
        deliveries,
        sa.and_(
            deliveries.c.package_id == packages.c.package_id,
            deliveries.c.municipality_id == municipalities.c.municipality_id,
        ),
    )
    rows = await session.execute(
        sa.select(packages.c.subject_code, sa.func.count())
        .select_from(pairs)
        .where(due > since, due <= until, done.is_(None))
        .group_by(packages.c.subject_code)
    )
    return {(subject,): float(count) for subject, count in rows}
