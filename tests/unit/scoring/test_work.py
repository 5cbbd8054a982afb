"""Checking a coded work: two members (§69), a third for disputes (§73), annulment (§47–§119)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from olymp_scoring.domain import (
    AnnulmentReason,
    CheckingPolicy,
    DiscrepancyThreshold,
    MarkingScheme,
    MeanOfClosestPair,
    ScoringError,
    WorkSheet,
    WorkStatus,
)

SCHEME = MarkingScheme.of([(1, D(7)), (2, D(7)), (3, D(10))], step=D("0.5"))
POLICY = CheckingPolicy(DiscrepancyThreshold.points(D(2)))


def sheet(policy: CheckingPolicy = POLICY) -> WorkSheet:
    return WorkSheet(work_code="M-7K3P9XA", scheme=SCHEME, policy=policy)


def marks(*points: str) -> dict[int, D]:
    return {number: D(value) for number, value in enumerate(points, start=1)}


def test_p69_a_work_is_checked_after_two_members_agree() -> None:
    work = sheet()
    assert work.status is WorkStatus.AWAITING_MARKS
    work = work.record_marking("jury-a", marks("5", "3", "8"))
    assert work.status is WorkStatus.AWAITING_MARKS
    work = work.record_marking("jury-b", marks("6", "3.5", "7"))
    assert work.status is WorkStatus.CHECKED
    assert work.status.label == "проверена"
    assert work.final_scores() == {1: D("5.5"), 2: D("3.5"), 3: D("7.5")}
    assert work.total() == D("16.5")
    assert work.jury_member_ids == ("jury-a", "jury-b")


def test_p69_a_member_cannot_mark_the_same_work_twice() -> None:
    work = sheet().record_marking("jury-a", marks("5", "3", "8"))
    with pytest.raises(ScoringError, match="jury-a уже оценил работу M-7K3P9XA"):
        work.record_marking("jury-a", marks("5", "3", "8"))


def test_p69_neither_member_sees_the_others_marks() -> None:
    work = sheet().record_marking("jury-a", marks("5", "3", "8"))
    work = work.record_marking("jury-b", marks("6", "3", "8"))
    assert {m.jury_member_id for m in work.visible_marks_for("jury-a")} == {"jury-a"}
    assert [m.points for m in work.visible_marks_for("jury-b")] == [D(6), D(3), D(8)]
    assert work.visible_marks_for("jury-c") == ()


def test_p69_the_first_two_members_mark_every_task() -> None:
    with pytest.raises(ScoringError, match="не хватает баллов за задания 3"):
        sheet().record_marking("jury-a", marks("5", "3"))
    with pytest.raises(ScoringError, match="от 0 до 7"):
        sheet().record_marking("jury-a", marks("8", "3", "8"))
    with pytest.raises(ScoringError, match="Не указано ни одного балла"):
        sheet().record_marking("jury-a", {})


def test_p73_a_significant_discrepancy_needs_a_third_member_for_that_task_only() -> None:
    work = sheet().record_marking("jury-a", marks("1", "3", "8"))
    work = work.record_marking("jury-b", marks("6", "5", "8"))
    assert work.disputed_tasks() == (1,)
    assert work.status is WorkStatus.NEEDS_THIRD_MARK
    with pytest.raises(ScoringError, match="не завершена"):
        work.final_scores()
    with pytest.raises(ScoringError, match="задания 2 третьей проверки не требуют"):
        work.record_marking("jury-c", {1: D(5), 2: D(4)})
    with pytest.raises(ScoringError, match="jury-b уже оценил"):
        work.record_marking("jury-b", {1: D(5)})
    work = work.record_marking("jury-c", {1: D(5)})
    assert work.status is WorkStatus.CHECKED
    assert work.final_scores() == {1: D(5), 2: D(4), 3: D(8)}
    assert [(m.task_number, m.points) for m in work.visible_marks_for("jury-c")] == [(1, D(5))]


def test_p73_each_disputed_task_may_go_to_a_different_third_member() -> None:
    work = sheet().record_marking("jury-a", marks("0", "0", "8"))
    work = work.record_marking("jury-b", marks("7", "7", "8"))
    work = work.record_marking("jury-c", {1: D(6)})
    assert work.tasks_needing_third_mark() == (2,)
    work = work.record_marking("jury-d", {2: D(1)})
    assert work.status is WorkStatus.CHECKED
    assert work.final_scores() == {1: D(6), 2: D(1), 3: D(8)}


def test_p73_no_third_marking_for_a_checked_work() -> None:
    work = sheet().record_marking("jury-a", marks("5", "3", "8"))
    work = work.record_marking("jury-b", marks("5", "3", "8"))
    with pytest.raises(ScoringError, match="третья проверка не требуется"):
        work.record_marking("jury-c", {1: D(5)})


def test_p73_the_olympiads_rule_decides_the_disputed_score() -> None:
    policy = CheckingPolicy(DiscrepancyThreshold.share_of_max(D("0.1")), MeanOfClosestPair())
    work = sheet(policy).record_marking("jury-a", marks("1", "3", "8"))
    work = work.record_marking("jury-b", marks("6", "3", "8"))
    work = work.record_marking("jury-c", {1: D(5)})
    assert work.final_scores()[1] == D("5.5")


@pytest.mark.parametrize(
    ("reason", "paragraph"),
    [
        (AnnulmentReason.IDENTIFYING_MARKS, "п. 47, 52, 68"),
        (AnnulmentReason.REMOVED_FROM_VENUE, "п. 53"),
        (AnnulmentReason.VIOLATION_BEFORE_APPROVAL, "п. 119"),
    ],
)
def test_p68_annulment_is_allowed_at_any_point_and_is_final(
    reason: AnnulmentReason, paragraph: str
) -> None:
    fresh = sheet()
    half = fresh.record_marking("jury-a", marks("1", "3", "8"))
    disputed = half.record_marking("jury-b", marks("6", "3", "8"))
    checked = disputed.record_marking("jury-c", {1: D(5)})
    for work in (fresh, half, disputed, checked):
        annulled = replace(work, annulment=reason)
        assert annulled.status is WorkStatus.ANNULLED
        assert annulled.status.done
        with pytest.raises(ScoringError, match=f"аннулирована.*{paragraph}"):
            annulled.final_scores()
        with pytest.raises(ScoringError, match="оценки не принимаются"):
            annulled.record_marking("jury-z", marks("1", "1", "1"))
    assert paragraph in reason.text


step_marks = st.integers(0, 14).map(lambda n: D(n) / 2)


@given(
    first=st.lists(step_marks, min_size=3, max_size=3),
    second=st.lists(step_marks, min_size=3, max_size=3),
    limit=st.integers(0, 14).map(lambda n: D(n) / 2),
    third=step_marks,
)
def test_p73_property_third_mark_needed_iff_discrepancy_exceeds_threshold(
    first: list[D], second: list[D], limit: D, third: D
) -> None:
    work = sheet(CheckingPolicy(DiscrepancyThreshold.points(limit)))
    work = work.record_marking("jury-a", dict(enumerate(first, start=1)))
    work = work.record_marking("jury-b", dict(enumerate(second, start=1)))
    expected = tuple(n for n in (1, 2, 3) if abs(first[n - 1] - second[n - 1]) > limit)
    assert work.tasks_needing_third_mark() == expected
    assert (work.status is WorkStatus.NEEDS_THIRD_MARK) == bool(expected)
    if expected:
        work = work.record_marking("jury-c", dict.fromkeys(expected, third))
    assert work.status is WorkStatus.CHECKED
    for number, score in work.final_scores().items():
        given_marks = [m.points for m in work.marks if m.task_number == number]
        assert min(given_marks) <= score <= max(given_marks)
        assert D(0) <= score <= SCHEME.task(number).max_points
