"""Coverage and deadline rules for room video (§21), pure: the round and the recordings go in,
findings with their Russian wording come out.

Every room is filmed from the start of the round until the answer sheets are packed in the
presence of the last participant, and the venue hands the recordings over no later than one
astronomical hour after the round ends. A recording whose claimed times are hours away from the
schedule says more about the recorder's clock than about the room, so its times are not used for
coverage and it is flagged for a person to look at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from olymp_core.clock import to_local

HANDOVER_WITHIN = dt.timedelta(hours=1)  # §21: «не позднее 1 астрономического часа»


class FindingKind(StrEnum):
    ROOM_NOT_RECORDED = "room_not_recorded"
    STARTS_LATE = "starts_late"
    ENDS_EARLY = "ends_early"
    GAP = "gap"
    LATE_HANDOVER = "late_handover"
    RECORDER_CLOCK_MISMATCH = "recorder_clock_mismatch"


@dataclass(frozen=True)
class RoundWindow:
    """One round at one venue: instants are UTC; `time_zone` is the olympiad's, for the wording."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    packing_ends_at: dt.datetime  # answer sheets packed in the presence of the last participant
    time_zone: str

    def __post_init__(self) -> None:
        if not self.starts_at < self.ends_at <= self.packing_ends_at:
            raise ValueError("a round starts before it ends, and packing ends no earlier than it")


@dataclass(frozen=True)
class RecordingSpan:
    room: str
    name: str  # how people recognise the file, e.g. its original file name
    starts_at: dt.datetime
    ends_at: dt.datetime
    uploaded_at: dt.datetime

    def __post_init__(self) -> None:
        if self.ends_at < self.starts_at:
            raise ValueError(f"recording {self.name!r} ends before it starts")


@dataclass(frozen=True)
class CoverageRules:
    max_gap: dt.timedelta = dt.timedelta(minutes=1)
    clock_tolerance: dt.timedelta = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    room: str
    message: str
    recording: str | None = None


def coverage_findings(
    window: RoundWindow,
    rooms: Iterable[str],
    recordings: Iterable[RecordingSpan],
    rules: CoverageRules | None = None,
) -> list[Finding]:
    """Everything wrong with the video of `rooms` for this round, room by room."""
    rules = rules or CoverageRules()
    by_room: dict[str, list[RecordingSpan]] = {}
    for recording in recordings:
        by_room.setdefault(recording.room, []).append(recording)
    findings: list[Finding] = []
    for room in rooms:
        findings += _room_findings(window, room, by_room.get(room, []), rules)
    return findings


def _room_findings(
    window: RoundWindow, room: str, recordings: Sequence[RecordingSpan], rules: CoverageRules
) -> list[Finding]:
    def at(instant: dt.datetime) -> str:
        return to_local(instant, window.time_zone).strftime("%H:%M")

    if not recordings:
        return [
            Finding(
                FindingKind.ROOM_NOT_RECORDED,
                room,
                f"Аудитория «{room}»: видеозапись не передана.",
            )
        ]
    findings: list[Finding] = []
    deadline = window.ends_at + HANDOVER_WITHIN
    for recording in recordings:
        if recording.uploaded_at > deadline:
            findings.append(
                Finding(
                    FindingKind.LATE_HANDOVER,
                    room,
                    f"Аудитория «{room}»: запись «{recording.name}» передана в "
                    f"{at(recording.uploaded_at)}, позднее 1 астрономического часа по завершении "
                    f"олимпиады (окончание в {at(window.ends_at)}, срок — до {at(deadline)}).",
                    recording.name,
                )
            )
    trusted = []
    for recording in recordings:
        if _clock_plausible(window, recording, rules):
            trusted.append(recording)
            continue
        findings.append(
            Finding(
                FindingKind.RECORDER_CLOCK_MISMATCH,
                room,
                f"Аудитория «{room}»: часы регистратора расходятся с расписанием — запись "
                f"«{recording.name}» начинается в {at(recording.starts_at)}, а тур идёт с "
                f"{at(window.starts_at)} до {at(window.packing_ends_at)}. Время записи не "
                "принято; сверьте запись вручную.",
                recording.name,
            )
        )
    if trusted:
        findings += _coverage_gaps(window, room, trusted, rules, at)
    return findings


def _clock_plausible(window: RoundWindow, recording: RecordingSpan, rules: CoverageRules) -> bool:
    earliest = window.starts_at - rules.clock_tolerance
    latest = window.packing_ends_at + rules.clock_tolerance
    return earliest <= recording.starts_at <= latest


def _coverage_gaps(
    window: RoundWindow,
    room: str,
    recordings: Sequence[RecordingSpan],
    rules: CoverageRules,
    at: Callable[[dt.datetime], str],
) -> list[Finding]:
    ordered = sorted(recordings, key=lambda r: (r.starts_at, r.ends_at))
    findings: list[Finding] = []
    first = ordered[0]
    if first.starts_at > window.starts_at:
        findings.append(
            Finding(
                FindingKind.STARTS_LATE,
                room,
                f"Аудитория «{room}»: видеозапись начинается в {at(first.starts_at)}, позже "
                f"начала олимпиады в {at(window.starts_at)}.",
                first.name,
            )
        )
    covered_until, previous = first.ends_at, first
    for recording in ordered[1:]:
        # Only the stretch the room must be filmed counts: a pause after packing is no gap.
        gap_from = max(covered_until, window.starts_at)
        gap_to = min(recording.starts_at, window.packing_ends_at)
        if gap_to - gap_from > rules.max_gap:
            minutes = int((gap_to - gap_from).total_seconds() // 60)
            findings.append(
                Finding(
                    FindingKind.GAP,
                    room,
                    f"Аудитория «{room}»: перерыв в видеозаписи с {at(gap_from)} до "
                    f"{at(gap_to)} ({minutes} мин) между «{previous.name}» и "
                    f"«{recording.name}».",
                    recording.name,
                )
            )
        if recording.ends_at > covered_until:
            covered_until, previous = recording.ends_at, recording
    if covered_until < window.packing_ends_at:
        findings.append(
            Finding(
                FindingKind.ENDS_EARLY,
                room,
                f"Аудитория «{room}»: видеозапись заканчивается в {at(covered_until)}, раньше "
                f"окончания упаковки бланков ответов в {at(window.packing_ends_at)}.",
                previous.name,
            )
        )
    return findings
