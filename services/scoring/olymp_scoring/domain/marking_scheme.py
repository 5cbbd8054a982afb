"""Task maxima of one subject and grade, and what counts as a valid mark (§67, §72)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from olymp_scoring.domain.errors import InvalidMarks, InvalidScheme

DEFAULT_STEP = Decimal("0.5")


@dataclass(frozen=True)
class TaskSpec:
    """A task of the criteria package: its number and the most points it can earn."""

    number: int
    max_points: Decimal

    def __post_init__(self) -> None:
        if self.number < 1:
            raise InvalidScheme(f"Номер задания должен быть положительным, указано: {self.number}.")
        if not self.max_points.is_finite() or self.max_points <= 0:
            raise InvalidScheme(
                f"Максимальный балл задания {self.number} должен быть больше нуля, "
                f"указано: {self.max_points}."
            )


def is_multiple_of(value: Decimal, step: Decimal) -> bool:
    return value % step == 0


def round_half_up_to_step(value: Decimal, step: Decimal) -> Decimal:
    """The multiple of `step` nearest to `value`; halfway goes up (2.25 → 2.5 for step 0.5)."""
    return (value / step).to_integral_value(rounding=ROUND_HALF_UP) * step


@dataclass(frozen=True)
class MarkingScheme:
    """The tasks of one subject and grade; marks are multiples of `step` from 0 to the maximum."""

    tasks: tuple[TaskSpec, ...]
    step: Decimal = DEFAULT_STEP

    def __post_init__(self) -> None:
        if not self.tasks:
            raise InvalidScheme("В критериях оценивания нет ни одного задания: добавьте задания.")
        numbers = [task.number for task in self.tasks]
        repeated = sorted({number for number in numbers if numbers.count(number) > 1})
        if repeated:
            raise InvalidScheme(
                "Номера заданий повторяются: " + ", ".join(map(str, repeated)) + "."
            )
        if not self.step.is_finite() or self.step <= 0:
            raise InvalidScheme(f"Шаг оценки должен быть больше нуля, указано: {self.step}.")
        for task in self.tasks:
            if not is_multiple_of(task.max_points, self.step):
                raise InvalidScheme(
                    f"Максимальный балл задания {task.number} ({task.max_points}) не кратен "
                    f"шагу оценки {self.step}: исправьте максимум или шаг."
                )

    @classmethod
    def of(
        cls, maxima: Iterable[tuple[int, Decimal]], step: Decimal = DEFAULT_STEP
    ) -> MarkingScheme:
        return cls(tuple(TaskSpec(number, max_points) for number, max_points in maxima), step)

    @property
    def task_numbers(self) -> tuple[int, ...]:
        return tuple(sorted(task.number for task in self.tasks))

    @property
    def max_total(self) -> Decimal:
        return sum((task.max_points for task in self.tasks), Decimal(0))

    def task(self, number: int) -> TaskSpec:
        for task in self.tasks:
            if task.number == number:
                return task
        raise InvalidMarks(
            f"Задания {number} нет в критериях оценивания; есть задания: "
            + ", ".join(map(str, self.task_numbers))
            + "."
        )

    def validate_points(self, number: int, points: Decimal) -> Decimal:
        """`points` if it is a valid mark for task `number`, else InvalidMarks in Russian."""
        task = self.task(number)
        if not isinstance(points, Decimal):
            # Floats would carry binary noise into protocols; the API layer parses into Decimal.
            raise TypeError(f"points must be a Decimal, got {type(points).__name__}")
        if not points.is_finite():
            raise InvalidMarks(
                f"Балл за задание {number} должен быть числом, указано: {points}.",
                task_number=number,
            )
        if not Decimal(0) <= points <= task.max_points:
            raise InvalidMarks(
                f"Балл за задание {number} должен быть от 0 до {task.max_points}, "
                f"указано: {points}.",
                task_number=number,
            )
        if not is_multiple_of(points, self.step):
            raise InvalidMarks(
                f"Балл за задание {number} должен быть кратен {self.step}, указано: {points}.",
                task_number=number,
            )
        return points


def plain(points: Decimal) -> Decimal:
    """`points` without trailing zeros (a mean of 3 and 5 is 4, not 4.0), never in exponent form."""
    if points == points.to_integral_value():
        return points.quantize(Decimal(1))
    return points.normalize()
