"""Significant discrepancy between two marks (§73), in points or as a share of the maximum."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from olymp_scoring.domain import DiscrepancyThreshold, ScoringError, TaskSpec

TASK = TaskSpec(1, D(10))


def test_p73_absolute_threshold_is_strict() -> None:
    threshold = DiscrepancyThreshold.points(D(2))
    assert not threshold.exceeded(D(3), D(5), TASK)
    assert threshold.exceeded(D(3), D("5.5"), TASK)
    assert threshold.limit(TASK) == D(2)


def test_p73_share_of_maximum_scales_with_the_task() -> None:
    threshold = DiscrepancyThreshold.share_of_max(D("0.2"))
    assert threshold.limit(TASK) == D(2)
    assert threshold.limit(TaskSpec(2, D(5))) == D(1)
    assert not threshold.exceeded(D(0), D(2), TASK)
    assert threshold.exceeded(D(0), D("1.5"), TaskSpec(2, D(5)))


def test_p73_zero_threshold_sends_any_difference_to_a_third_member() -> None:
    threshold = DiscrepancyThreshold.points(D(0))
    assert threshold.exceeded(D(1), D("1.5"), TASK)
    assert not threshold.exceeded(D(1), D(1), TASK)


def test_p73_invalid_thresholds_are_refused_in_russian() -> None:
    with pytest.raises(ScoringError, match="не может быть отрицательным"):
        DiscrepancyThreshold.points(D(-1))
    with pytest.raises(ScoringError, match="от 0 до 1"):
        DiscrepancyThreshold.share_of_max(D("1.5"))


marks = st.integers(0, 20).map(lambda n: D(n) / 2)
thresholds = st.one_of(
    st.integers(0, 20).map(lambda n: DiscrepancyThreshold.points(D(n) / 4)),
    st.integers(0, 100).map(lambda n: DiscrepancyThreshold.share_of_max(D(n) / 100)),
)


@given(first=marks, second=marks, threshold=thresholds)
def test_p73_property_discrepancy_is_symmetric_and_strictly_above_the_limit(
    first: D, second: D, threshold: DiscrepancyThreshold
) -> None:
    exceeded = threshold.exceeded(first, second, TASK)
    assert exceeded == threshold.exceeded(second, first, TASK)
    assert exceeded == (abs(first - second) > threshold.limit(TASK))
    assert not threshold.exceeded(first, first, TASK)
