"""§82–89, §96: the analysis of tasks and the show of works, and the appeal window that follows."""

from __future__ import annotations

import datetime as dt

import pytest

from olymp_appeals.domain import (
    AppealRuleError,
    Procedure,
    ShowSchedule,
    appeal_deadline,
    russian_calendar,
)
from olymp_core.clock import local_instant

OMSK = "Asia/Omsk"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return local_instant(dt.date(2026, 11, day), dt.time(hour, minute), OMSK)


ANALYSIS = Procedure(at(23, 14), at(23, 15), place="Школа № 12, актовый зал", online_url="")
SHOW = Procedure(at(23, 15, 30), at(23, 18), place="Школа № 12, каб. 204", online_url="")


def test_p89_the_show_follows_the_analysis() -> None:
    schedule = ShowSchedule(ANALYSIS, SHOW)
    assert schedule.show_ends_at == at(23, 18)


def test_p89_a_show_before_the_analysis_ends_is_refused() -> None:
    early = Procedure(at(23, 14, 30), at(23, 18), place="каб. 204", online_url="")
    with pytest.raises(AppealRuleError, match=r"после анализа заданий \(п\. 89\)"):
        ShowSchedule(ANALYSIS, early)


def test_a_procedure_that_ends_before_it_starts_is_refused_naming_it() -> None:
    with pytest.raises(AppealRuleError, match=r"Показ работ: окончание .* раньше начала"):
        ShowSchedule(ANALYSIS, Procedure(at(23, 18), at(23, 16), place="каб. 204", online_url=""))


def test_p97_a_procedure_needs_a_place_or_a_link() -> None:
    with pytest.raises(AppealRuleError, match=r"Анализ заданий: укажите место .* или ссылку"):
        ShowSchedule(Procedure(at(23, 14), at(23, 15), place=" ", online_url=""), SHOW)


def test_p97_an_online_procedure_takes_an_https_link() -> None:
    online = Procedure(at(23, 14), at(23, 15), place="", online_url="https://vks.example.ru/r/1")
    assert ShowSchedule(online, SHOW).analysis.online
    with pytest.raises(AppealRuleError, match=r"ссылка .* https://"):
        Procedure(at(23, 14), at(23, 15), place="", online_url="javascript:alert(1)").check("x")


def test_naive_times_are_refused() -> None:
    with pytest.raises(AppealRuleError, match="без часового пояса"):
        ShowSchedule(Procedure(dt.datetime(2026, 11, 23, 14), at(23, 15), "зал", ""), SHOW)


def _one_day(day: int, month: int = 11) -> ShowSchedule:
    def on(hour: int) -> dt.datetime:
        return local_instant(dt.date(2026, month, day), dt.time(hour), OMSK)

    return ShowSchedule(Procedure(on(14), on(15), "зал", ""), Procedure(on(15), on(18), "зал", ""))


def _end_of(day: dt.date) -> dt.datetime:
    return local_instant(day + dt.timedelta(days=1), dt.time(0), OMSK) - dt.timedelta(
        microseconds=1
    )


@pytest.mark.parametrize(
    ("show_day", "last_day"),
    [
        (27, dt.date(2026, 12, 1)),  # Friday: the weekend does not count, Monday and Tuesday do
        (3, dt.date(2026, 11, 6)),  # Tuesday before 4 November (a holiday): Thursday, Friday
    ],
)
def test_p96_the_window_opens_at_the_show_and_closes_two_working_days_after_it(
    show_day: int, last_day: dt.date
) -> None:
    schedule = _one_day(show_day)
    assert schedule.opens_at == local_instant(dt.date(2026, 11, show_day), dt.time(15), OMSK)
    assert appeal_deadline(schedule.show_ends_at, russian_calendar(), OMSK) == _end_of(last_day)
