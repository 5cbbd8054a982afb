"""How the marks of one task become its final score: a pluggable, pure strategy.

Two rules ship; an olympiad picks one by name (`scoring_rule(name)`):

- `third_mark_decides` (default). Marks within the threshold: their mean, rounded half-up to the
  step (2 and 3 with step 0.5 → 2.5; 2 and 2.5 → 2.25 → 2.5). A third mark exists only for a
  disputed task (§73), and then the third member's mark is the score: that member was called in to
  settle it.
- `mean_of_closest_pair`. Marks within the threshold: as above. With a third mark: the mean of
  the two marks closest to each other, rounded half-up to the step. On a tie (the middle mark lies
  exactly halfway between the others) the middle mark, which is the mean of both tied pairs.

Both keep the score between the lowest and the highest mark and on the step grid, so it never
leaves 0..maximum: the mean of two multiples of the step is a multiple or a half-multiple, and
rounding a half-multiple up lands on the higher of the two marks at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from olymp_scoring.domain.errors import InvalidScheme
from olymp_scoring.domain.marking_scheme import round_half_up_to_step


class ScoringRule(Protocol):
    @property
    def name(self) -> str: ...

    def task_score(
        self, first: Decimal, second: Decimal, third: Decimal | None, step: Decimal
    ) -> Decimal:
        """The final score of a task from its two marks and, if the task was disputed, a third."""
        ...


def _mean_to_step(first: Decimal, second: Decimal, step: Decimal) -> Decimal:
    return round_half_up_to_step((first + second) / 2, step)


@dataclass(frozen=True)
class ThirdMarkDecides:
    name: str = "third_mark_decides"

    def task_score(
        self, first: Decimal, second: Decimal, third: Decimal | None, step: Decimal
    ) -> Decimal:
        if third is not None:
            return third
        return _mean_to_step(first, second, step)


@dataclass(frozen=True)
class MeanOfClosestPair:
    name: str = "mean_of_closest_pair"

    def task_score(
        self, first: Decimal, second: Decimal, third: Decimal | None, step: Decimal
    ) -> Decimal:
        if third is None:
            return _mean_to_step(first, second, step)
        low, middle, high = sorted((first, second, third))
        below, above = middle - low, high - middle
        if below == above:
            return middle
        if below < above:
            return _mean_to_step(low, middle, step)
        return _mean_to_step(middle, high, step)


DEFAULT_RULE: ScoringRule = ThirdMarkDecides()
_RULES: dict[str, ScoringRule] = {rule.name: rule for rule in (DEFAULT_RULE, MeanOfClosestPair())}


def scoring_rule(name: str) -> ScoringRule:
    """The rule an olympiad configured by name."""
    try:
        return _RULES[name]
    except KeyError:
        raise InvalidScheme(
            f"Правило подсчёта баллов «{name}» неизвестно; доступны: "
            + ", ".join(sorted(_RULES))
            + "."
        ) from None
