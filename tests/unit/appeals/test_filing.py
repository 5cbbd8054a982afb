"""§96 and §105: accepting an appeal — in time, naming existing tasks of the work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from olymp_appeals.domain import AppealRuleError, TaskScore, WorkScores, file_appeal
from olymp_core.clock import local_instant

OMSK = "Asia/Omsk"
DEADLINE = local_instant(dt.date(2025, 11, 25), dt.time(0), OMSK) - dt.timedelta(microseconds=1)
WORK = WorkScores(
    "p-17",
    tuple(TaskScore(n, Decimal(s), Decimal(10)) for n, s in [(1, "7"), (2, "3.5"), (3, "0")]),
)


def test_p96_appeal_filed_at_the_last_instant_is_accepted() -> None:
    appeal = file_appeal(WORK, [3, 1], DEADLINE, DEADLINE, OMSK)
    assert appeal.task_numbers == (1, 3)
    assert (appeal.participant_id, appeal.filed_at) == ("p-17", DEADLINE)
    assert appeal.review_without_participant is False


def test_p96_late_appeal_is_refused_saying_the_deadline_and_what_to_do() -> None:
    late = DEADLINE + dt.timedelta(microseconds=1)
    with pytest.raises(AppealRuleError) as refused:
        file_appeal(WORK, [1], late, DEADLINE, OMSK)
    message = str(refused.value)
    assert "24.11.2025 в 23:59" in message
    assert "25.11.2025 в 00:00" in message
    assert "п. 96" in message
    assert "организационный комитет" in message


def test_p105_appeal_must_name_at_least_one_task() -> None:
    with pytest.raises(AppealRuleError, match="не указано ни одного задания"):
        file_appeal(WORK, [], DEADLINE, DEADLINE, OMSK)


def test_p105_each_task_is_named_once() -> None:
    with pytest.raises(AppealRuleError, match="№ 2 указано в заявлении несколько раз"):
        file_appeal(WORK, [2, 1, 2], DEADLINE, DEADLINE, OMSK)


def test_p105_only_tasks_of_the_work_may_be_named() -> None:
    with pytest.raises(AppealRuleError, match=r"нет задания № 4, 9; в ней задания № 1, 2, 3"):
        file_appeal(WORK, [1, 9, 4], DEADLINE, DEADLINE, OMSK)


def test_p101_participant_may_ask_for_review_in_absence() -> None:
    appeal = file_appeal(WORK, [2], DEADLINE, DEADLINE, OMSK, review_without_participant=True)
    assert appeal.review_without_participant


def test_p96_filing_instant_must_be_aware() -> None:
    with pytest.raises(ValueError, match="naive"):
        file_appeal(WORK, [1], dt.datetime(2025, 11, 24, 12), DEADLINE, OMSK)


def test_p75_work_scores_are_checked() -> None:
    with pytest.raises(ValueError, match="outside"):
        TaskScore(1, Decimal(11), Decimal(10))
    with pytest.raises(ValueError, match="not unique"):
        WorkScores(
            "p", (TaskScore(1, Decimal(1), Decimal(2)), TaskScore(1, Decimal(0), Decimal(2)))
        )
    assert WORK.total == Decimal("10.5")


def test_p89_p96_appeal_before_the_show_is_refused_saying_when_it_begins() -> None:
    show_starts = local_instant(dt.date(2025, 11, 20), dt.time(15), OMSK)
    with pytest.raises(AppealRuleError) as refused:
        file_appeal(
            WORK, [1], show_starts - dt.timedelta(seconds=1), DEADLINE, OMSK, opens_at=show_starts
        )
    message = str(refused.value)
    assert "20.11.2025 в 15:00" in message
    assert "после показа работ" in message
    appeal = file_appeal(WORK, [1], show_starts, DEADLINE, OMSK, opens_at=show_starts)
    assert appeal.filed_at == show_starts
