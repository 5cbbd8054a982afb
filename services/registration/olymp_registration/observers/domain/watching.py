"""How many participants came to a venue on a round day, per subject: what an observer (and the
organiser) watches during check-in. Counts only: no name leaves this module."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from olymp_registration.domain.checkin import Attendance, DayMark


@dataclass(frozen=True)
class Arrival:
    """One participant of one subject as check-in sees them on one day."""

    subject_code: str
    venue: str | None  # where marked that day, else where the application assigned them
    mark: DayMark | None
    removed: bool
    withdrawn: bool


@dataclass(frozen=True)
class CheckInCount:
    subject_code: str
    expected: int  # applications at this venue that day, withdrawn ones left out
    present: int
    absent: int
    removed: int

    @property
    def not_marked(self) -> int:
        return self.expected - self.present - self.absent


def check_in_counts(arrivals: Iterable[Arrival], venue: str) -> list[CheckInCount]:
    """The counts at `venue`, one per subject, in the order of subject codes."""
    by_subject: dict[str, list[Arrival]] = {}
    for arrival in arrivals:
        if arrival.venue == venue and not arrival.withdrawn:
            by_subject.setdefault(arrival.subject_code, []).append(arrival)
    return [
        CheckInCount(
            subject_code=code,
            expected=len(found),
            present=sum(1 for a in found if a.mark and a.mark.attendance is Attendance.PRESENT),
            absent=sum(1 for a in found if a.mark and a.mark.attendance is Attendance.ABSENT),
            removed=sum(1 for a in found if a.removed),
        )
        for code, found in sorted(by_subject.items())
    ]


def arrival_on(
    day: dt.date,
    subject_code: str,
    marks: Iterable[DayMark],
    mark_venue: str | None,
    assigned_venue: str | None,
    *,
    removed_on: dt.date | None,
    withdrawn: bool,
) -> Arrival:
    mark = next((m for m in marks if m.day == day), None)
    return Arrival(
        subject_code=subject_code,
        venue=mark_venue if mark is not None and mark_venue is not None else assigned_venue,
        mark=mark,
        removed=removed_on == day,
        withdrawn=withdrawn,
    )
