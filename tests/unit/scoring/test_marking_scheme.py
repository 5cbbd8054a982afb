"""Task maxima and valid marks (§67, §72): 0..maximum on the step grid, errors in Russian."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from olymp_scoring.domain import MarkingScheme, ScoringError, TaskSpec, round_half_up_to_step

SCHEME = MarkingScheme.of([(1, D(7)), (2, D(7)), (3, D("10.5"))], step=D("0.5"))


def test_p72_marks_on_the_step_grid_within_the_maximum_are_accepted() -> None:
    assert SCHEME.validate_points(1, D(0)) == D(0)
    assert SCHEME.validate_points(1, D("3.5")) == D("3.5")
    assert SCHEME.validate_points(3, D("10.5")) == D("10.5")
    assert SCHEME.max_total == D("24.5")
    assert SCHEME.task_numbers == (1, 2, 3)


@pytest.mark.parametrize(
    ("number", "points", "message"),
    [
        (1, D("7.5"), "должен быть от 0 до 7, указано: 7.5"),
        (1, D(-1), "должен быть от 0 до 7, указано: -1"),
        (2, D("3.25"), "должен быть кратен 0.5, указано: 3.25"),
        (2, D("NaN"), "должен быть числом"),
        (4, D(1), "Задания 4 нет в критериях оценивания; есть задания: 1, 2, 3"),
    ],
)
def test_p72_invalid_marks_are_refused_in_russian(number: int, points: D, message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        SCHEME.validate_points(number, points)


def test_p72_floats_are_a_programming_error_not_a_mark() -> None:
    float_points: Any = 3.5
    with pytest.raises(TypeError):
        SCHEME.validate_points(1, float_points)


def test_p67_a_scheme_refuses_inconsistent_criteria() -> None:
    with pytest.raises(ScoringError, match=r"не кратен шагу оценки 0\.5"):
        MarkingScheme.of([(1, D("7.25"))], step=D("0.5"))
    with pytest.raises(ScoringError, match="Номера заданий повторяются: 2"):
        MarkingScheme.of([(1, D(5)), (2, D(5)), (2, D(6))])
    with pytest.raises(ScoringError, match="нет ни одного задания"):
        MarkingScheme(())
    with pytest.raises(ScoringError, match="Шаг оценки должен быть больше нуля"):
        MarkingScheme.of([(1, D(5))], step=D(0))
    with pytest.raises(ScoringError, match="должен быть больше нуля"):
        TaskSpec(1, D(0))
    with pytest.raises(ScoringError, match="Номер задания должен быть положительным"):
        TaskSpec(0, D(5))


@pytest.mark.parametrize(
    ("value", "step", "expected"),
    [
        (D("2.25"), D("0.5"), D("2.5")),
        (D("2.2"), D("0.5"), D("2.0")),
        (D("2.5"), D(1), D(3)),
        (D("3.5"), D(1), D(4)),
        (D("1.125"), D("0.25"), D("1.25")),
    ],
)
def test_p75_rounding_is_half_up_to_the_step(value: D, step: D, expected: D) -> None:
    assert round_half_up_to_step(value, step) == expected
