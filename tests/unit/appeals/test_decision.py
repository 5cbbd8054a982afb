"""§101, §105, §109–110, §112: what the commission may decide and what it changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from olymp_appeals.domain import (
    Appeal,
    AppealRuleError,
    Attendance,
    Ballot,
    Commission,
    Motion,
    Outcome,
    Resolution,
    TaskScore,
    WorkScores,
    decide_appeal,
)
from olymp_core.clock import UTC

COMMISSION = Commission(("chair", "m1", "m2"), chair="chair")
WORK = WorkScores(
    "p-17",
    tuple(TaskScore(n, Decimal(s), Decimal(10)) for n, s in [(1, "7"), (2, "3.5"), (3, "4")]),
)
FILED = dt.datetime(2025, 11, 24, 6, tzinfo=UTC)


def appeal(*tasks: int, in_absence: bool = False) -> Appeal:
    return Appeal("p-17", tasks, FILED, FILED + dt.timedelta(hours=12), in_absence)


def unanimous(motion: Motion) -> list[Ballot]:
    return [Ballot(member, motion) for member in COMMISSION.members]


def decide(
    motion: Motion, tasks: tuple[int, ...] = (2, 3), attendance: Attendance = Attendance.PRESENT
) -> Resolution:
    return decide_appeal(appeal(*tasks), WORK, COMMISSION, attendance, unanimous(motion)).resolution


def test_p112_reject_keeps_the_scores() -> None:
    decision = decide_appeal(
        appeal(2), WORK, COMMISSION, Attendance.PRESENT, unanimous(Motion.reject())
    )
    assert (decision.resolution, decision.outcome) == (Resolution.DECIDED, Outcome.REJECT)
    assert decision.scores_after == decision.scores_before
    assert decision.total_after == Decimal("14.5")


def test_p112_raise_sets_the_new_scores_of_the_reviewed_tasks() -> None:
    motion = Motion.raise_to({2: Decimal("5.5")})
    decision = decide_appeal(appeal(2, 3), WORK, COMMISSION, Attendance.PRESENT, unanimous(motion))
    assert decision.outcome is Outcome.RAISE
    assert decision.scores_after == ((1, Decimal(7)), (2, Decimal("5.5")), (3, Decimal(4)))
    assert (decision.total_before, decision.total_after) == (Decimal("14.5"), Decimal("16.5"))
    assert decision.tally is not None and decision.tally.adopted == motion


def test_p112_lower_sets_lower_scores() -> None:
    motion = Motion.lower_to({3: Decimal(2)})
    decision = decide_appeal(appeal(3), WORK, COMMISSION, Attendance.PRESENT, unanimous(motion))
    assert decision.outcome is Outcome.LOWER
    assert decision.total_after == Decimal("12.5")


def test_p112_raise_must_raise_and_lower_must_lower() -> None:
    with pytest.raises(AppealRuleError, match="не повышает баллы"):
        decide(Motion.raise_to({2: Decimal("3.5")}))
    with pytest.raises(AppealRuleError, match="не понижает баллы"):
        decide(Motion.lower_to({2: Decimal(4)}))


def test_p112_net_change_names_the_outcome() -> None:
    # One task corrected down, the other up by more: the number of points rises.
    assert decide(Motion.raise_to({2: Decimal(6), 3: Decimal(3)})) is Resolution.DECIDED
    with pytest.raises(AppealRuleError, match="не понижает баллы"):
        decide(Motion.lower_to({2: Decimal(6), 3: Decimal(3)}))


def test_p112_new_scores_lie_within_zero_and_the_task_maximum() -> None:
    with pytest.raises(AppealRuleError, match="вне допустимых пределов 0–10"):
        decide(Motion.raise_to({2: Decimal("10.5")}))
    with pytest.raises(AppealRuleError, match="вне допустимых пределов"):
        decide(Motion.lower_to({2: Decimal(-1)}))


def test_p105_only_the_tasks_named_in_the_appeal_may_change() -> None:
    with pytest.raises(AppealRuleError, match=r"№ 1 не указано в заявлении.*п\. 105"):
        decide(Motion.raise_to({1: Decimal(9)}), tasks=(2, 3))


def test_p106_no_majority_is_no_decision_and_keeps_the_scores() -> None:
    ballots = [Ballot("m1", Motion.raise_to({2: Decimal(5)}))]
    decision = decide_appeal(appeal(2), WORK, COMMISSION, Attendance.PRESENT, ballots)
    assert (decision.resolution, decision.outcome) == (Resolution.NO_DECISION, None)
    assert decision.scores_after == decision.scores_before
    assert str(decision.resolution) == "решение не принято"


def test_p109_absent_for_a_documented_reason_is_reviewed_without_the_participant() -> None:
    motion = Motion.raise_to({2: Decimal(5)})
    attendance = Attendance.ABSENT_WITH_DOCUMENTED_REASON
    assert decide(motion, attendance=attendance) is Resolution.DECIDED


def test_p110_absent_without_a_reason_is_not_reviewed_on_the_merits() -> None:
    attendance = Attendance.ABSENT_WITHOUT_DOCUMENTED_REASON
    decision = decide_appeal(appeal(2), WORK, COMMISSION, attendance, [])
    assert (decision.resolution, decision.outcome, decision.tally) == (
        Resolution.NOT_REVIEWED,
        None,
        None,
    )
    assert decision.scores_after == decision.scores_before
    assert str(decision.resolution) == "апелляция не рассматривалась по существу"
    with pytest.raises(AppealRuleError, match=r"п\. 110"):
        decide(Motion.reject(), attendance=attendance)


def test_p101_review_in_absence_on_request_does_not_need_attendance() -> None:
    attendance = Attendance.ABSENT_WITHOUT_DOCUMENTED_REASON
    motion = Motion.raise_to({2: Decimal(5)})
    decision = decide_appeal(
        appeal(2, in_absence=True), WORK, COMMISSION, attendance, unanimous(motion)
    )
    assert decision.resolution is Resolution.DECIDED


def test_p116_appeal_and_work_belong_to_the_same_participant() -> None:
    other = WorkScores("p-18", WORK.tasks)
    with pytest.raises(ValueError, match="another's work"):
        decide_appeal(appeal(2), other, COMMISSION, Attendance.PRESENT, [])
