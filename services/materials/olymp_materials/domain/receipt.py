"""Readiness of a municipality for a package (§25), as the regional coordinator reads it.

A municipality is late when the package has been released and no receipt has been confirmed within
`late_after` of the release: that is who the coordinator has to call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Delivery:
    municipality_id: str
    fetched_at: dt.datetime | None
    key_delivered_at: dt.datetime | None
    receipt_at: dt.datetime | None
    complete: bool | None
    missing: tuple[str, ...]
    problems: str | None


def is_late(
    delivery: Delivery, released_at: dt.datetime | None, now: dt.datetime, late_after: dt.timedelta
) -> bool:
    if released_at is None or delivery.receipt_at is not None:
        return False
    return now - released_at >= late_after


def has_problems(delivery: Delivery) -> bool:
    return delivery.complete is False or bool(delivery.problems)
