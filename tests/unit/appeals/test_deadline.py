"""§96: an appeal is filed not later than 2 working days after the analysis and show of works."""

from __future__ import annotations

import datetime as dt

import pytest

from olymp_appeals.domain import appeal_deadline, russian_calendar
from olymp_core.clock import UTC, local_instant

OMSK = "Asia/Omsk"  # UTC+6


def show_end(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return local_instant(day, dt.time(hour, minute), OMSK)


def test_p96_deadline_is_the_end_of_the_second_working_day_after_the_show() -> None:
    deadline = appeal_deadline(show_end(dt.date(2025, 11, 20), 15), russian_calendar(), OMSK)
    # Thursday's show: Friday and Monday are the two working days after it.
    assert deadline == dt.datetime(2025, 11, 24, 17, 59, 59, 999999, tzinfo=UTC)
    assert deadline.astimezone(dt.timezone(dt.timedelta(hours=6))).time() == dt.time.max


def test_p96_transferred_days_count_as_the_calendar_says() -> None:
    # Friday 31 October 2025: Saturday 1 November is working, 2–4 November are not.
    deadline = appeal_deadline(show_end(dt.date(2025, 10, 31), 16), russian_calendar(), OMSK)
    assert deadline == local_instant(dt.date(2025, 11, 6), dt.time(0), OMSK) - dt.timedelta(
        microseconds=1
    )


def test_p96_the_show_day_is_taken_in_the_olympiad_time_zone() -> None:
    # 00:30 on Friday in Omsk is still Thursday in UTC; Friday's local date counts.
    end = show_end(dt.date(2025, 11, 21), 0, 30)
    assert end.date() == dt.date(2025, 11, 20)
    deadline = appeal_deadline(end, russian_calendar(), OMSK)
    assert deadline.astimezone(dt.timezone(dt.timedelta(hours=6))).date() == dt.date(2025, 11, 25)


def test_p96_show_on_a_weekend_counts_from_the_next_working_days() -> None:
    deadline = appeal_deadline(show_end(dt.date(2025, 11, 22), 12), russian_calendar(), OMSK)
    assert deadline.astimezone(dt.timezone(dt.timedelta(hours=6))).date() == dt.date(2025, 11, 25)


def test_p96_deadline_across_new_year_holidays() -> None:
    deadline = appeal_deadline(show_end(dt.date(2025, 12, 30), 12), russian_calendar(), OMSK)
    assert deadline.astimezone(dt.timezone(dt.timedelta(hours=6))).date() == dt.date(2026, 1, 13)


def test_p96_organiser_may_shorten_the_period_but_not_extend_it() -> None:
    end = show_end(dt.date(2025, 11, 20), 15)
    one_day = appeal_deadline(end, russian_calendar(), OMSK, working_days=1)
    assert one_day.astimezone(dt.timezone(dt.timedelta(hours=6))).date() == dt.date(2025, 11, 21)
    with pytest.raises(ValueError, match="§96"):
        appeal_deadline(end, russian_calendar(), OMSK, working_days=3)


def test_p96_show_end_must_be_an_aware_instant() -> None:
    with pytest.raises(ValueError, match="naive"):
        appeal_deadline(dt.datetime(2025, 11, 20, 15), russian_calendar(), OMSK)
