"""When two marks of one task differ significantly, a third member checks that task (§73).

The OTM does not put a number on "значительное расхождение", so each olympiad configures it:
- `DiscrepancyThreshold.points(d)`: significant when |m1 − m2| > d points;
- `DiscrepancyThreshold.share_of_max(s)`: significant when |m1 − m2| > s × the task's maximum
  (0 < s ≤ 1), so one setting fits a 5-point and a 20-point task alike.
The comparison is strict: a difference equal to the threshold is not significant. A threshold of 0
sends every task with any difference to a third member.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from olymp_scoring.domain.errors import InvalidScheme
from olymp_scoring.domain.marking_scheme import TaskSpec


class ThresholdKind(StrEnum):
    POINTS = "points"
    SHARE_OF_MAX = "share_of_max"


@dataclass(frozen=True)
class DiscrepancyThreshold:
    kind: ThresholdKind
    value: Decimal

    def __post_init__(self) -> None:
        if not self.value.is_finite() or self.value < 0:
            raise InvalidScheme(
                f"Порог расхождения оценок не может быть отрицательным, указано: {self.value}."
            )
        if self.kind is ThresholdKind.SHARE_OF_MAX and self.value > 1:
            raise InvalidScheme(
                "Порог расхождения в долях от максимального балла задания должен быть "
                f"от 0 до 1, указано: {self.value}."
            )

    @classmethod
    def points(cls, value: Decimal) -> DiscrepancyThreshold:
        return cls(ThresholdKind.POINTS, value)

    @classmethod
    def share_of_max(cls, value: Decimal) -> DiscrepancyThreshold:
        return cls(ThresholdKind.SHARE_OF_MAX, value)

    def limit(self, task: TaskSpec) -> Decimal:
        """The largest difference between two marks of `task` that is not significant."""
        if self.kind is ThresholdKind.POINTS:
            return self.value
        return self.value * task.max_points

    def exceeded(self, first: Decimal, second: Decimal, task: TaskSpec) -> bool:
        """True when the two marks differ enough that a third member must check the task."""
        return abs(first - second) > self.limit(task)
