"""The production calendar behind §96's "2 working days"."""

from __future__ import annotations

import datetime as dt

import pytest

from olymp_appeals.domain import (
    AppealRuleError,
    WorkingDayCalendar,
    YearCalendar,
    russian_calendar,
)

D = dt.date


def working_days_in(calendar: WorkingDayCalendar, year: int) -> int:
    day, count = D(year, 1, 1), 0
    while day.year == year:
        count += calendar.is_working_day(day)
        day += dt.timedelta(days=1)
    return count


@pytest.mark.parametrize("year", [2025, 2026])
def test_p96_federal_calendar_has_the_published_number_of_working_days(year: int) -> None:
    assert working_days_in(russian_calendar(), year) == 247


def test_p96_2025_transfers_by_decree_1335() -> None:
    calendar = russian_calendar()
    assert calendar.is_working_day(D(2025, 11, 1))  # a Saturday made working
    assert not calendar.is_working_day(D(2025, 11, 3))
    assert not calendar.is_working_day(D(2025, 11, 4))
    assert not calendar.is_working_day(D(2025, 12, 31))
    assert calendar.is_working_day(D(2025, 11, 5))


def test_p96_2026_transfers_by_decree_1466_and_labour_code() -> None:
    calendar = russian_calendar()
    for day_off in (D(2026, 1, 9), D(2026, 3, 9), D(2026, 5, 11), D(2026, 11, 4), D(2026, 12, 31)):
        assert not calendar.is_working_day(day_off)
    assert calendar.is_working_day(D(2026, 1, 12))
    assert calendar.is_working_day(D(2026, 11, 5))


def test_p96_working_days_are_counted_after_the_given_day() -> None:
    calendar = russian_calendar()
    friday = D(2025, 10, 31)
    assert calendar.add_working_days(friday, 0) == friday
    assert calendar.add_working_days(friday, 1) == D(2025, 11, 1)
    assert calendar.add_working_days(friday, 2) == D(2025, 11, 5)
    assert calendar.add_working_days(D(2025, 12, 30), 1) == D(2026, 1, 12)
    with pytest.raises(ValueError):
        calendar.add_working_days(friday, -1)


def test_p96_a_year_without_data_is_refused_not_guessed() -> None:
    with pytest.raises(AppealRuleError, match="на 2027 год не загружен"):
        russian_calendar().is_working_day(D(2027, 3, 1))


def test_p96_regional_days_off_and_working_days_override_a_known_year() -> None:
    calendar = russian_calendar().with_overrides(
        {2025: {"days_off": ["2025-11-05"], "working_days": ["2025-11-03"]}}
    )
    assert not calendar.is_working_day(D(2025, 11, 5))
    assert calendar.is_working_day(D(2025, 11, 3))
    assert calendar.is_working_day(D(2025, 11, 1))  # the decree's own transfer is kept
    assert russian_calendar().is_working_day(D(2025, 11, 5))  # the original is untouched


def test_p96_a_new_year_from_json_gets_the_labour_code_holidays() -> None:
    calendar = russian_calendar().with_json_overrides(
        '{"2027": {"days_off": ["2027-05-10"], "source": "постановление на 2027 год"}}'
    )
    assert not calendar.is_working_day(D(2027, 1, 8))
    assert not calendar.is_working_day(D(2027, 11, 4))
    assert not calendar.is_working_day(D(2027, 5, 10))
    assert calendar.is_working_day(D(2027, 11, 5))
    assert calendar.year(2027).source == "постановление на 2027 год"


def test_p96_calendar_data_is_checked() -> None:
    with pytest.raises(ValueError, match="another year"):
        YearCalendar(2025, frozenset({D(2026, 1, 1)}))
    with pytest.raises(ValueError, match="both off and working"):
        YearCalendar(2025, frozenset({D(2025, 11, 1)}), frozenset({D(2025, 11, 1)}))
    with pytest.raises(ValueError, match="not a date"):
        russian_calendar().with_overrides({2025: {"days_off": ["5 ноября"]}})
    with pytest.raises(ValueError, match="unknown keys"):
        russian_calendar().with_overrides({2025: {"holidays": ["2025-11-05"]}})
