"""Applying an appeal commission's decision to a work's scores (§105, §112–116).

The commission rejects the appeal and keeps the score, or accepts it and lowers or raises it (§112).
Only the tasks named in the appeal are reviewed (§105), so a decision carries new scores for some of
those tasks; the others keep theirs, and the organising committee recounts the total (§116).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from olymp_scoring.domain.errors import ScoringError
from olymp_scoring.domain.marking_scheme import MarkingScheme


class AppealOutcome(StrEnum):
    REJECTED = "rejected"
    LOWERED = "lowered"
    RAISED = "raised"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    AppealOutcome.REJECTED: "отклонить апелляцию, сохранив количество баллов",
    AppealOutcome.LOWERED: "удовлетворить апелляцию с понижением количества баллов",
    AppealOutcome.RAISED: "удовлетворить апелляцию с повышением количества баллов",
}


@dataclass(frozen=True)
class AppealDecision:
    """The outcome and, unless rejected, the new score of each task it changes."""

    outcome: AppealOutcome
    new_scores: Mapping[int, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class AppealResult:
    scores: Mapping[int, Decimal]
    total: Decimal
    previous_total: Decimal


def apply_appeal(
    scores: Mapping[int, Decimal],
    decision: AppealDecision,
    scheme: MarkingScheme,
    *,
    appealed_tasks: Collection[int] | None = None,
) -> AppealResult:
    """The work's scores after the decision; `appealed_tasks`, if given, bounds what may change."""
    _require_complete(scores, scheme)
    previous_total = sum(scores.values(), Decimal(0))
    if decision.outcome is AppealOutcome.REJECTED:
        if decision.new_scores:
            raise ScoringError(
                "Апелляция отклонена, количество баллов сохраняется (п. 112): "
                "новые баллы при отклонении не указываются."
            )
        return AppealResult(dict(scores), previous_total, previous_total)
    if not decision.new_scores:
        raise ScoringError(
            f"Решение «{decision.outcome.label}» не содержит новых баллов: "
            "укажите баллы за пересмотренные задания."
        )
    for number, points in decision.new_scores.items():
        scheme.validate_points(number, points)
        if appealed_tasks is not None and number not in appealed_tasks:
            raise ScoringError(
                f"Задание {number} не указано в апелляции: рассматриваются только задания, "
                "указанные в заявлении (п. 105)."
            )
        _require_direction(decision.outcome, number, scores[number], points)
    new_scores = {**scores, **decision.new_scores}
    new_total = sum(new_scores.values(), Decimal(0))
    if new_total == previous_total:
        raise ScoringError(
            f"Решение «{decision.outcome.label}» не меняет баллы: при сохранении количества "
            "баллов апелляция отклоняется."
        )
    return AppealResult(new_scores, new_total, previous_total)


def _require_complete(scores: Mapping[int, Decimal], scheme: MarkingScheme) -> None:
    if sorted(scores) != list(scheme.task_numbers):
        raise ScoringError(
            "Баллы работы не соответствуют критериям оценивания: ожидались задания "
            + ", ".join(map(str, scheme.task_numbers))
            + ", получены "
            + ", ".join(map(str, sorted(scores)))
            + "."
        )
    for number, points in scores.items():
        scheme.validate_points(number, points)


def _require_direction(outcome: AppealOutcome, number: int, old: Decimal, new: Decimal) -> None:
    if outcome is AppealOutcome.RAISED and new < old:
        raise ScoringError(
            f"Решение о повышении баллов понижает балл за задание {number} ({old} → {new}): "
            "исправьте баллы или вид решения."
        )
    if outcome is AppealOutcome.LOWERED and new > old:
        raise ScoringError(
            f"Решение о понижении баллов повышает балл за задание {number} ({old} → {new}): "
            "исправьте баллы или вид решения."
        )
