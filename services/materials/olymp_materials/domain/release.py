"""When a package may be opened (§24): the task package at 08:00, the criteria package at 12:00,
and for technology, physical education and OBZh the equipment list at 08:00 seven days before.

Both are wall-clock times in the olympiad's own zone on the subject's day; a coordinator may set another
instant. Before it, nothing about the key or password may leave the service, to anyone.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum

from olymp_core.clock import local_instant, to_local
from olymp_materials.domain.errors import AlreadyReleased, InstantInThePast, NotYetReleased


class PackageKind(StrEnum):
    TASKS = "tasks"
    CRITERIA = "criteria"
    EQUIPMENT = "equipment"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    PackageKind.TASKS: "пакет с олимпиадными заданиями",
    PackageKind.CRITERIA: "пакет с критериями оценивания",
    PackageKind.EQUIPMENT: "перечень необходимого оборудования",
}

DEFAULT_RELEASE_TIMES: dict[PackageKind, dt.time] = {
    PackageKind.TASKS: dt.time(8, 0),
    PackageKind.CRITERIA: dt.time(12, 0),
    PackageKind.EQUIPMENT: dt.time(8, 0),
}
# the equipment list goes out a week ahead so that venues can prepare what the tasks need (§24)
DAYS_BEFORE: dict[PackageKind, int] = {PackageKind.EQUIPMENT: 7}


class PackageState(StrEnum):
    ANNOUNCED = "announced"
    RELEASED = "released"


def default_release_at(day: dt.date, kind: PackageKind, tz: str) -> dt.datetime:
    """The UTC instant of the §24 default for `kind` on `day` in zone `tz`."""
    kind = PackageKind(kind)
    release_day = day - dt.timedelta(days=DAYS_BEFORE.get(kind, 0))
    return local_instant(release_day, DEFAULT_RELEASE_TIMES[kind], tz)


def may_release(now: dt.datetime, release_at: dt.datetime) -> bool:
    """True from the instant on, never a moment earlier."""
    return now >= release_at


def shown_release_time(release_at: dt.datetime, tz: str | None) -> str:
    """The instant as an official reads it: local wall-clock time with its zone."""
    if tz is None:
        return release_at.astimezone(dt.UTC).strftime("%H:%M %d.%m.%Y (UTC)")
    return to_local(release_at, tz).strftime(f"%H:%M %d.%m.%Y ({tz})")


@dataclass
class Package:
    """A task or criteria package: announced with its instant, released once the instant has come."""

    package_id: uuid.UUID
    olympiad_id: uuid.UUID
    subject_code: str
    kind: PackageKind
    release_at: dt.datetime
    released_at: dt.datetime | None = None

    @property
    def state(self) -> PackageState:
        return PackageState.ANNOUNCED if self.released_at is None else PackageState.RELEASED

    def require_open(self, now: dt.datetime, tz: str | None) -> None:
        """Raise NotYetReleased unless the instant has come (whatever the stored state says)."""
        if not may_release(now, self.release_at):
            raise NotYetReleased(self.release_at, shown_release_time(self.release_at, tz))

    def release(self, now: dt.datetime) -> bool:
        """Move to released at `now`; False if it already was. Refuses before the instant."""
        self.require_open(now, None)
        if self.released_at is not None:
            return False
        self.released_at = now
        return True

    def require_replaceable(self) -> None:
        if self.released_at is not None:
            raise AlreadyReleased()

    def move(self, release_at: dt.datetime, now: dt.datetime) -> None:
        """Set another instant. Only before release, and never into the past: moving an announced
        instant to "now or earlier" would hand the key out at once, which a re-announcement that
        mirrors may not yet have seen must not do."""
        self.require_replaceable()
        if release_at <= now:
            raise InstantInThePast(release_at)
        self.release_at = release_at
