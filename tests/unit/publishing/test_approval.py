"""§121: the 21-day term of approval; §96, §112–114: appeals that stand in the way."""

from __future__ import annotations

import datetime as dt

from olymp_publishing.domain.approval import AppealsSnapshot, appeal_blockers, approval_term

OMSK = "Asia/Omsk"  # UTC+6
# The last round ended at 13:00 local time on 20 November.
LAST_ROUND_ENDS = dt.datetime(2026, 11, 20, 7, 0, tzinfo=dt.UTC)


def at_local(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=dt.UTC) - dt.timedelta(hours=6)


def test_p121_the_term_ends_with_day_21_counted_in_the_olympiads_zone() -> None:
    term = approval_term(LAST_ROUND_ENDS, OMSK, at_local(21))
    assert (term.last_round_day, term.due, term.day) == (
        dt.date(2026, 11, 20),
        dt.date(2026, 12, 11),
        1,
    )
    assert not term.warning and not term.overdue
    assert "до 11.12.2026 включительно" in term.text() and "осталось 20 дн." in term.text()


def test_p121_a_warning_from_day_18_and_overdue_after_day_21() -> None:
    day_17 = approval_term(LAST_ROUND_ENDS, OMSK, at_local(20) + dt.timedelta(days=17))
    day_18 = approval_term(LAST_ROUND_ENDS, OMSK, at_local(20) + dt.timedelta(days=18))
    day_21 = approval_term(LAST_ROUND_ENDS, OMSK, at_local(20) + dt.timedelta(days=21))
    day_22 = approval_term(LAST_ROUND_ENDS, OMSK, at_local(20) + dt.timedelta(days=22))
    assert (day_17.warning, day_18.warning, day_21.warning, day_22.warning) == (
        False,
        True,
        True,
        False,
    )
    assert "сегодня последний день" in day_21.text()
    assert day_22.overdue and "истёк 11.12.2026" in day_22.text()


def test_p121_local_midnight_not_utc_midnight_starts_the_next_day() -> None:
    # 00:30 on 11 December in Omsk is 18:30 UTC on the 10th: already day 21 there.
    late = dt.datetime(2026, 12, 10, 18, 30, tzinfo=dt.UTC)
    assert approval_term(LAST_ROUND_ENDS, OMSK, late).day == 21


def test_p96_an_open_window_and_undecided_appeals_are_named() -> None:
    deadline = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)  # 18:00 in Omsk
    open_window = appeal_blockers(AppealsSnapshot(deadline, 2), at_local(25), OMSK)
    assert open_window == [
        "приём апелляций открыт до 26.11.2026 18:00 (Asia/Omsk) (п. 96)",
        "апелляций этой параллели без решения апелляционной комиссии: 2 (п. 112–114)",
    ]
    after = deadline + dt.timedelta(minutes=1)
    assert appeal_blockers(AppealsSnapshot(deadline, 0), after, OMSK) == []
    assert appeal_blockers(None, after, OMSK) == []
