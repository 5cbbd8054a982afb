"""Time, injected: every rule that depends on "now" takes a Clock.

Instants are timezone-aware UTC datetimes. An olympiad's schedule is wall-clock time in its IANA zone
("08:00 in Asia/Omsk"); `local_instant` turns such a time into the UTC instant that is stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = dt.UTC


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to: tests set "08:00 on olympiad day" instead of waiting."""

    def __init__(self, start: dt.datetime) -> None:
        self._now = _require_aware(start).astimezone(UTC)

    def now(self) -> dt.datetime:
        return self._now

    def set(self, instant: dt.datetime) -> None:
        self._now = _require_aware(instant).astimezone(UTC)

    def advance(self, delta: dt.timedelta) -> None:
        self._now += delta


class OffsetClock:
    """The system clock shifted by a fixed offset: a machine whose clock runs ahead or behind."""

    def __init__(self, offset: dt.timedelta) -> None:
        self.offset = offset

    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC) + self.offset


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name`, or a ValueError that says what was wrong."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone {name!r} (expected e.g. 'Asia/Omsk')") from exc


def local_instant(day: dt.date, wall_time: dt.time, tz_name: str) -> dt.datetime:
    """The UTC instant of wall-clock `wall_time` on `day` in zone `tz_name`."""
    local = dt.datetime.combine(day, wall_time, tzinfo=zone(tz_name))
    return local.astimezone(UTC)


def to_local(instant: dt.datetime, tz_name: str) -> dt.datetime:
    return _require_aware(instant).astimezone(zone(tz_name))


def _require_aware(instant: dt.datetime) -> dt.datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime {instant.isoformat()}: instants must carry a time zone")
    return instant
