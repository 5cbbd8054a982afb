"""Final per-task score (§73, §75): configurable rules, kept within the marks and the maximum."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from olymp_scoring.domain import (
    DEFAULT_RULE,
    MeanOfClosestPair,
    ScoringError,
    ScoringRule,
    ThirdMarkDecides,
    scoring_rule,
)

HALF = D("0.5")
RULES: list[ScoringRule] = [ThirdMarkDecides(), MeanOfClosestPair()]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_p69_two_close_marks_give_their_mean_rounded_half_up(rule: ScoringRule) -> None:
    assert rule.task_score(D(4), D(4), None, HALF) == D(4)
    assert rule.task_score(D(2), D(3), None, HALF) == D("2.5")
    assert rule.task_score(D(2), D("2.5"), None, HALF) == D("2.5")
    assert rule.task_score(D(2), D(3), None, D(1)) == D(3)


def test_p73_by_default_the_third_members_mark_decides() -> None:
    assert DEFAULT_RULE.name == "third_mark_decides"
    assert DEFAULT_RULE.task_score(D(1), D(7), D(2), HALF) == D(2)


def test_p73_alternative_rule_takes_the_mean_of_the_closest_pair() -> None:
    rule = MeanOfClosestPair()
    assert rule.task_score(D(1), D(7), D(6), HALF) == D("6.5")
    assert rule.task_score(D(1), D(7), D(2), HALF) == D("1.5")
    assert rule.task_score(D(2), D(6), D(4), HALF) == D(4), "a tie takes the middle mark"
    assert rule.task_score(D(2), D(6), D(6), HALF) == D(6)


def test_p73_rules_are_configured_by_name() -> None:
    assert scoring_rule("mean_of_closest_pair") == MeanOfClosestPair()
    assert scoring_rule("third_mark_decides") == ThirdMarkDecides()
    with pytest.raises(ScoringError, match="Правило подсчёта баллов «median» неизвестно"):
        scoring_rule("median")


steps = st.sampled_from([D("0.25"), D("0.5"), D(1), D(2)])


@st.composite
def marks_of_a_task(draw: st.DrawFn) -> tuple[D, D, D, D | None, D]:
    step = draw(steps)
    units = draw(st.integers(1, 40))
    mark = st.integers(0, units).map(lambda n: n * step)
    third = draw(st.none() | mark)
    return step, units * step, draw(mark), third, draw(mark)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
@given(case=marks_of_a_task())
def test_p75_property_score_stays_within_the_marks_the_maximum_and_the_step(
    rule: ScoringRule, case: tuple[D, D, D, D | None, D]
) -> None:
    step, maximum, first, third, second = case
    score = rule.task_score(first, second, third, step)
    given_marks = [first, second] + ([third] if third is not None else [])
    assert min(given_marks) <= score <= max(given_marks)
    assert D(0) <= score <= maximum
    assert score % step == 0
    assert score == rule.task_score(second, first, third, step), "the order of the pair is moot"
