"""How many hands a work takes at once: two members (§69), then one third member (§73)."""

from __future__ import annotations

import pytest

from olymp_scoring.domain import WorkStatus, free_hands, may_take


@pytest.mark.parametrize(
    ("marked_by", "claimed_by_others", "free"),
    [(0, 0, 2), (0, 1, 1), (1, 0, 1), (1, 1, 0), (0, 2, 0), (2, 0, 0)],
)
def test_p69_a_work_awaiting_marks_takes_two_hands(
    marked_by: int, claimed_by_others: int, free: int
) -> None:
    assert free_hands(WorkStatus.AWAITING_MARKS, marked_by, claimed_by_others) == free


def test_p73_a_disputed_work_takes_one_third_member_at_a_time() -> None:
    assert free_hands(WorkStatus.NEEDS_THIRD_MARK, 2, 0) == 1
    assert free_hands(WorkStatus.NEEDS_THIRD_MARK, 2, 1) == 0


@pytest.mark.parametrize("status", [WorkStatus.CHECKED, WorkStatus.ANNULLED])
def test_a_done_work_takes_nobody(status: WorkStatus) -> None:
    assert free_hands(status, 0, 0) == 0


def test_p69_a_member_never_takes_a_work_they_marked() -> None:
    assert may_take("jury-c", WorkStatus.NEEDS_THIRD_MARK, ("jury-a", "jury-b"), 0)
    assert not may_take("jury-a", WorkStatus.NEEDS_THIRD_MARK, ("jury-a", "jury-b"), 0)
    assert not may_take("jury-a", WorkStatus.AWAITING_MARKS, ("jury-a",), 0)
    assert may_take("jury-b", WorkStatus.AWAITING_MARKS, ("jury-a",), 0)
    assert not may_take("jury-b", WorkStatus.AWAITING_MARKS, ("jury-a",), 1)
