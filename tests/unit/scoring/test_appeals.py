"""Applying an appeal decision (§105, §112–116): reject keeps, raise/lower replace named tasks."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from olymp_scoring.domain import (
    AppealDecision,
    AppealOutcome,
    MarkingScheme,
    ScoringError,
    apply_appeal,
)

SCHEME = MarkingScheme.of([(1, D(7)), (2, D(7)), (3, D(10))], step=D("0.5"))
SCORES = {1: D(5), 2: D("3.5"), 3: D(8)}


def test_p112_rejection_keeps_the_scores() -> None:
    result = apply_appeal(SCORES, AppealDecision(AppealOutcome.REJECTED), SCHEME)
    assert result.scores == SCORES
    assert result.total == result.previous_total == D("16.5")


def test_p112_rejection_with_new_scores_is_refused() -> None:
    with pytest.raises(ScoringError, match="количество баллов сохраняется"):
        apply_appeal(SCORES, AppealDecision(AppealOutcome.REJECTED, {1: D(6)}), SCHEME)


def test_p112_raise_replaces_the_named_tasks_and_recounts_the_total() -> None:
    decision = AppealDecision(AppealOutcome.RAISED, {2: D("5.5")})
    result = apply_appeal(SCORES, decision, SCHEME, appealed_tasks={2, 3})
    assert result.scores == {1: D(5), 2: D("5.5"), 3: D(8)}
    assert (result.previous_total, result.total) == (D("16.5"), D("18.5"))


def test_p112_lower_replaces_the_named_tasks() -> None:
    decision = AppealDecision(AppealOutcome.LOWERED, {1: D(4), 3: D(7)})
    result = apply_appeal(SCORES, decision, SCHEME)
    assert result.total == D("14.5")
    assert SCORES[1] == D(5), "the given scores are not modified"


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (AppealDecision(AppealOutcome.RAISED, {1: D(4)}), "понижает балл за задание 1"),
        (AppealDecision(AppealOutcome.LOWERED, {1: D(6)}), "повышает балл за задание 1"),
        (AppealDecision(AppealOutcome.RAISED, {1: D(5)}), "не меняет баллы"),
        (AppealDecision(AppealOutcome.RAISED), "не содержит новых баллов"),
        (AppealDecision(AppealOutcome.RAISED, {2: D("7.5")}), "от 0 до 7"),
        (AppealDecision(AppealOutcome.RAISED, {2: D("5.25")}), "кратен 0.5"),
        (AppealDecision(AppealOutcome.RAISED, {4: D(1)}), "Задания 4 нет"),
    ],
)
def test_p112_inconsistent_decisions_are_refused_in_russian(
    decision: AppealDecision, message: str
) -> None:
    with pytest.raises(ScoringError, match=message):
        apply_appeal(SCORES, decision, SCHEME)


def test_p105_only_tasks_named_in_the_appeal_change() -> None:
    decision = AppealDecision(AppealOutcome.RAISED, {1: D(6)})
    with pytest.raises(ScoringError, match="Задание 1 не указано в апелляции"):
        apply_appeal(SCORES, decision, SCHEME, appealed_tasks=[2])


def test_p116_scores_must_match_the_criteria() -> None:
    with pytest.raises(ScoringError, match="ожидались задания 1, 2, 3, получены 1, 2"):
        apply_appeal({1: D(5), 2: D(3)}, AppealDecision(AppealOutcome.REJECTED), SCHEME)
