"""Room video by venue (§21), as registration's coverage report finds it: per venue and subject,
each round's rooms without video, late starts, early ends, gaps, hand-overs later than one hour
after the end, recorders whose clocks disagree with the schedule. Registration decides what is a
finding; the monitoring counts them by venue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from olymp_publishing.domain.collation import name_part_key
from olymp_publishing.domain.publication import subject_name


class FindingKind(StrEnum):
    """Registration's kinds of findings (olymp_registration.video.domain.coverage)."""

    ROOM_NOT_RECORDED = "room_not_recorded"
    STARTS_LATE = "starts_late"
    ENDS_EARLY = "ends_early"
    GAP = "gap"
    LATE_HANDOVER = "late_handover"
    RECORDER_CLOCK_MISMATCH = "recorder_clock_mismatch"
    OTHER = "other"  # a kind registration added later: counted, never dropped

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS: Final = {
    FindingKind.ROOM_NOT_RECORDED: "Аудиторий без видеозаписи",
    FindingKind.STARTS_LATE: "Запись начата после начала тура",
    FindingKind.ENDS_EARLY: "Запись окончена до упаковки бланков",
    FindingKind.GAP: "Перерывов в записи",
    FindingKind.LATE_HANDOVER: "Запись передана позже 1 часа",
    FindingKind.RECORDER_CLOCK_MISMATCH: "Часы регистратора не сходятся с расписанием",
    FindingKind.OTHER: "Иных замечаний",
}
FINDING_KINDS: Final = tuple(FindingKind)


def finding_kind(kind: str) -> FindingKind:
    try:
        return FindingKind(kind)
    except ValueError:
        return FindingKind.OTHER


@dataclass(frozen=True)
class VideoFinding:
    kind: FindingKind
    message: str  # registration's wording, with the room and the times


@dataclass(frozen=True)
class VideoReport:
    """Registration's coverage report of one venue and subject."""

    venue: str
    subject_code: str
    rounds: int
    findings: tuple[VideoFinding, ...]


@dataclass(frozen=True)
class VenueVideo:
    venue: str
    subjects: int  # subjects whose report was read
    rounds: int
    counts: tuple[int, ...]  # findings per FINDING_KINDS
    messages: tuple[str, ...]  # each finding, «subject: registration's wording»

    @property
    def findings(self) -> int:
        return sum(self.counts)


def venue_video(reports: Sequence[VideoReport]) -> tuple[VenueVideo, ...]:
    """The reports added up by venue, venues as names are collated."""
    by_venue: dict[str, list[VideoReport]] = {}
    for report in reports:
        by_venue.setdefault(report.venue, []).append(report)
    found = []
    for venue, of_venue in by_venue.items():
        counts = [0] * len(FINDING_KINDS)
        messages = []
        for report in sorted(of_venue, key=lambda r: r.subject_code):
            for finding in report.findings:
                counts[FINDING_KINDS.index(finding.kind)] += 1
                name = subject_name(report.subject_code).capitalize()
                messages.append(f"{name}: {finding.message}")
        found.append(
            VenueVideo(
                venue=venue,
                subjects=len(of_venue),
                rounds=sum(r.rounds for r in of_venue),
                counts=tuple(counts),
                messages=tuple(messages),
            )
        )
    return tuple(sorted(found, key=lambda v: (name_part_key(v.venue), v.venue)))
