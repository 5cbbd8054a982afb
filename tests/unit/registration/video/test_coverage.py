"""§21: every room filmed from the start of the olympiad to the packing of the answer sheets,
handed over within one astronomical hour of the end."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from olymp_core.clock import local_instant
from olymp_registration.video.domain.coverage import (
    CoverageRules,
    Finding,
    FindingKind,
    RecordingSpan,
    RoundWindow,
    coverage_findings,
)

DAY = dt.date(2025, 10, 15)
ZONE = "Asia/Omsk"


def omsk(hour: int, minute: int = 0) -> dt.datetime:
    return local_instant(DAY, dt.time(hour, minute), ZONE)


WINDOW = RoundWindow(omsk(10), omsk(13, 55), omsk(14, 10), ZONE)


def span(
    start: dt.datetime,
    end: dt.datetime,
    *,
    room: str = "12",
    name: str = "cam1.mp4",
    uploaded_at: dt.datetime | None = None,
) -> RecordingSpan:
    return RecordingSpan(room, name, start, end, uploaded_at or omsk(14, 30))


def kinds(findings: list[Finding]) -> list[FindingKind]:
    return [finding.kind for finding in findings]


def test_p21_a_room_filmed_throughout_and_handed_over_in_time_has_no_findings() -> None:
    recordings = [span(omsk(9, 55), omsk(12)), span(omsk(12), omsk(14, 12), name="cam1-2.mp4")]

    assert coverage_findings(WINDOW, ["12"], recordings) == []


def test_p21_a_room_without_any_recording_is_reported() -> None:
    findings = coverage_findings(WINDOW, ["12", "14"], [span(omsk(9, 50), omsk(14, 15))])

    assert kinds(findings) == [FindingKind.ROOM_NOT_RECORDED]
    assert findings[0].room == "14"
    assert findings[0].message == "Аудитория «14»: видеозапись не передана."


def test_p21_recording_that_starts_after_the_olympiad_started_is_reported() -> None:
    findings = coverage_findings(WINDOW, ["12"], [span(omsk(10, 7), omsk(14, 15))])

    assert kinds(findings) == [FindingKind.STARTS_LATE]
    assert "10:07" in findings[0].message and "10:00" in findings[0].message


def test_p21_recording_that_ends_before_packing_ended_is_reported() -> None:
    findings = coverage_findings(WINDOW, ["12"], [span(omsk(9, 50), omsk(14))])

    assert kinds(findings) == [FindingKind.ENDS_EARLY]
    assert "упаковки бланков ответов в 14:10" in findings[0].message


def test_p21_a_gap_longer_than_the_setting_is_reported_and_a_short_one_is_not() -> None:
    recordings = [
        span(omsk(9, 50), omsk(11), name="a.mp4"),
        span(
            omsk(
                11,
                0,
            )
            + dt.timedelta(seconds=50),
            omsk(12),
            name="b.mp4",
        ),
        span(omsk(12, 5), omsk(14, 15), name="c.mp4"),
    ]

    findings = coverage_findings(WINDOW, ["12"], recordings)

    assert kinds(findings) == [FindingKind.GAP]
    assert "с 12:00 до 12:05 (5 мин) между «b.mp4» и «c.mp4»" in findings[0].message
    relaxed = CoverageRules(max_gap=dt.timedelta(minutes=10))
    assert coverage_findings(WINDOW, ["12"], recordings, relaxed) == []


def test_p21_a_pause_after_packing_is_not_a_gap() -> None:
    recordings = [span(omsk(9, 50), omsk(14, 10)), span(omsk(15), omsk(15, 30), name="b.mp4")]

    assert coverage_findings(WINDOW, ["12"], recordings) == []


def test_p21_handover_later_than_one_astronomical_hour_after_the_end_is_reported() -> None:
    on_time = span(omsk(9, 50), omsk(12), uploaded_at=omsk(14, 55))
    late = span(omsk(12), omsk(14, 15), name="b.mp4", uploaded_at=omsk(14, 56))

    findings = coverage_findings(WINDOW, ["12"], [on_time, late])

    assert kinds(findings) == [FindingKind.LATE_HANDOVER]
    assert findings[0].recording == "b.mp4"
    assert "передана в 14:56" in findings[0].message and "до 14:55" in findings[0].message


def test_p21_recorder_clock_hours_off_is_flagged_and_its_times_not_trusted() -> None:
    # The recorder still runs on Moscow time: it says 07:00 for what was 10:00 in Omsk... and
    # also three hours before the round, so its times cannot count as coverage.
    moscow_clock = span(omsk(7), omsk(11, 15))

    findings = coverage_findings(WINDOW, ["12"], [moscow_clock])

    assert kinds(findings) == [FindingKind.RECORDER_CLOCK_MISMATCH]
    assert findings[0].message.startswith(
        "Аудитория «12»: часы регистратора расходятся с расписанием"
    )


def test_p21_untrusted_recording_does_not_cover_a_gap_between_trusted_ones() -> None:
    recordings = [
        span(omsk(9, 50), omsk(11), name="a.mp4"),
        span(omsk(20), omsk(23), name="wrong-clock.mp4"),
        span(omsk(12), omsk(14, 15), name="b.mp4"),
    ]

    findings = coverage_findings(WINDOW, ["12"], recordings)

    assert kinds(findings) == [FindingKind.RECORDER_CLOCK_MISMATCH, FindingKind.GAP]


@given(
    lead_in=st.integers(min_value=0, max_value=55),
    cuts=st.lists(st.integers(min_value=1, max_value=300), max_size=8, unique=True),
    overlaps=st.lists(st.integers(min_value=0, max_value=3), min_size=9, max_size=9),
    tail=st.integers(min_value=0, max_value=55),
)
def test_p21_contiguous_files_covering_the_round_give_no_findings(
    lead_in: int, cuts: list[int], overlaps: list[int], tail: int
) -> None:
    start = WINDOW.starts_at - dt.timedelta(minutes=lead_in)
    end = WINDOW.packing_ends_at + dt.timedelta(minutes=tail)
    length = (end - start) // dt.timedelta(minutes=1)
    bounds = [start] + [start + dt.timedelta(minutes=c) for c in sorted(cuts) if c < length]
    bounds.append(end)
    recordings = [
        # Each file may start a little before the previous one ended: recorders overlap.
        span(max(start, a - dt.timedelta(minutes=overlaps[i])), b, name=f"part-{i}.mp4")
        for i, (a, b) in enumerate(itertools.pairwise(bounds))
    ]

    assert coverage_findings(WINDOW, ["12"], recordings) == []


@given(
    gap_start=st.integers(min_value=1, max_value=240),
    gap_minutes=st.integers(min_value=2, max_value=60),
)
def test_p21_any_gap_inside_the_round_longer_than_the_setting_is_found(
    gap_start: int, gap_minutes: int
) -> None:
    hole_from = WINDOW.starts_at + dt.timedelta(minutes=gap_start)
    hole_to = min(hole_from + dt.timedelta(minutes=gap_minutes), WINDOW.packing_ends_at)
    recordings = [
        span(WINDOW.starts_at, hole_from, name="a.mp4"),
        span(hole_to, WINDOW.packing_ends_at, name="b.mp4"),
    ]

    found = kinds(coverage_findings(WINDOW, ["12"], recordings))

    assert found == ([FindingKind.GAP] if hole_to - hole_from > dt.timedelta(minutes=1) else [])
