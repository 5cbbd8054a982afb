"""The checking of one coded work: two independent markings, a third for disputed tasks, annulment.

- Two different jury members mark every task (§69); a member marks a work once.
- Neither sees the other's marks: `visible_marks_for` returns a member's own marks only.
- A task whose two marks differ by more than the olympiad's threshold is checked by a third,
  different member (§73) — that task only.
- Annulment (identifying marks §47/§52/§68, removal from the venue §53, a violation found before the
  results are approved §119) is allowed at any point and is final; an annulled work has no score,
  but counts as done for decoding.
- A subject checked by the automatic testing system (informatics, §43, §67) is never marked by the
  jury: its work awaits the system's results, and the points imported from them are its scores.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from olymp_core.subjects import UnknownSubject, subject
from olymp_scoring.domain.discrepancy import DiscrepancyThreshold
from olymp_scoring.domain.errors import MarkingRefused, ScoringError
from olymp_scoring.domain.marking_scheme import MarkingScheme
from olymp_scoring.domain.rules import DEFAULT_RULE, ScoringRule

MARKERS_PER_WORK = 2


def checked_automatically(subject_code: str) -> bool:
    """§67: the subject's solutions are checked by the testing system, not marked by the jury."""
    try:
        return subject(subject_code).checked_automatically
    except UnknownSubject:
        return False


class WorkStatus(StrEnum):
    AWAITING_MARKS = "awaiting_marks"
    AWAITING_RESULTS = "awaiting_results"
    NEEDS_THIRD_MARK = "needs_third_mark"
    CHECKED = "checked"
    ANNULLED = "annulled"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def done(self) -> bool:
        """Nothing more will be checked: what the decoding gate waits for (§61)."""
        return self in (WorkStatus.CHECKED, WorkStatus.ANNULLED)


_STATUS_LABELS = {
    WorkStatus.AWAITING_MARKS: "ожидает проверки",
    WorkStatus.AWAITING_RESULTS: "ожидает результатов тестирующей системы",
    WorkStatus.NEEDS_THIRD_MARK: "требуется проверка третьим членом жюри",
    WorkStatus.CHECKED: "проверена",
    WorkStatus.ANNULLED: "аннулирована",
}


class AnnulmentReason(StrEnum):
    IDENTIFYING_MARKS = "identifying_marks"
    REMOVED_FROM_VENUE = "removed_from_venue"
    VIOLATION_BEFORE_APPROVAL = "violation_before_approval"

    @property
    def text(self) -> str:
        return _ANNULMENT_TEXTS[self]


_ANNULMENT_TEXTS = {
    AnnulmentReason.IDENTIFYING_MARKS: (
        "Работа не проверяется, результат аннулирован: на листах ответов обнаружены пометки, "
        "позволяющие идентифицировать участника (п. 47, 52, 68)."
    ),
    AnnulmentReason.REMOVED_FROM_VENUE: (
        "Работа аннулирована: участник удалён из аудитории за нарушение установленных правил, "
        "составлен акт удаления (п. 53)."
    ),
    AnnulmentReason.VIOLATION_BEFORE_APPROVAL: (
        "Результат аннулирован на основании протокола организационного комитета: нарушение "
        "выявлено после окончания этапа до утверждения итоговых результатов (п. 119)."
    ),
}


@dataclass(frozen=True)
class Mark:
    task_number: int
    jury_member_id: str
    points: Decimal


@dataclass(frozen=True)
class CheckingPolicy:
    """The olympiad's settings for turning marks into scores."""

    threshold: DiscrepancyThreshold
    rule: ScoringRule = DEFAULT_RULE


@dataclass(frozen=True)
class WorkSheet:
    """All marks of one coded work, in the order they were recorded. Changes return a new sheet.

    `marks` must be what `record_marking` produced: a store rebuilds a sheet from the marks it saved
    (same order), or replays them through `record_marking` to re-check them.
    """

    work_code: str
    scheme: MarkingScheme
    policy: CheckingPolicy
    marks: tuple[Mark, ...] = ()
    annulment: AnnulmentReason | None = None
    # §67: the testing system checks the work; `imported_scores` are its points, None until imported
    checked_automatically: bool = False
    imported_scores: Mapping[int, Decimal] | None = None

    @property
    def jury_member_ids(self) -> tuple[str, ...]:
        """Members who marked the work, first two first: they sign the checked work (§71)."""
        return tuple(dict.fromkeys(mark.jury_member_id for mark in self.marks))

    @property
    def status(self) -> WorkStatus:
        if self.annulment is not None:
            return WorkStatus.ANNULLED
        if self.checked_automatically:
            if self.imported_scores is None:
                return WorkStatus.AWAITING_RESULTS
            return WorkStatus.CHECKED
        if len(self.jury_member_ids) < MARKERS_PER_WORK:
            return WorkStatus.AWAITING_MARKS
        if self.tasks_needing_third_mark():
            return WorkStatus.NEEDS_THIRD_MARK
        return WorkStatus.CHECKED

    def visible_marks_for(self, jury_member_id: str) -> tuple[Mark, ...]:
        """What a member may see: their own marks only, so the markings stay independent."""
        return tuple(mark for mark in self.marks if mark.jury_member_id == jury_member_id)

    @property
    def _pair(self) -> tuple[str, ...]:
        return self.jury_member_ids[:MARKERS_PER_WORK]

    def _pair_and_third(self, task_number: int) -> tuple[Decimal, Decimal, Decimal | None]:
        first_member, second_member = self._pair
        by_member = {m.jury_member_id: m.points for m in self.marks if m.task_number == task_number}
        third = next(
            (points for member, points in by_member.items() if member not in self._pair), None
        )
        return by_member[first_member], by_member[second_member], third

    def disputed_tasks(self) -> tuple[int, ...]:
        """Tasks whose two marks differ by more than the threshold (§73); none before both marks."""
        if self.checked_automatically or len(self._pair) < MARKERS_PER_WORK:
            return ()
        disputed = []
        for number in self.scheme.task_numbers:
            first, second, _ = self._pair_and_third(number)
            if self.policy.threshold.exceeded(first, second, self.scheme.task(number)):
                disputed.append(number)
        return tuple(disputed)

    def tasks_needing_third_mark(self) -> tuple[int, ...]:
        return tuple(
            number for number in self.disputed_tasks() if self._pair_and_third(number)[2] is None
        )

    def record_marking(self, jury_member_id: str, points: Mapping[int, Decimal]) -> WorkSheet:
        """A member's marks: every task for the first two members, disputed tasks for a third."""
        if self.annulment is not None:
            raise MarkingRefused(
                f"Работа {self.work_code} аннулирована и не проверяется: оценки не принимаются."
            )
        if self.checked_automatically:
            raise MarkingRefused(
                f"Работу {self.work_code} проверяет автоматическая тестирующая система (п. 43, 67):"
                " члены жюри её не оценивают. Баллы вносятся загрузкой файла результатов"
                " тестирующей системы."
            )
        if jury_member_id in self.jury_member_ids:
            raise MarkingRefused(
                f"Член жюри {jury_member_id} уже оценил работу {self.work_code}: каждую работу "
                "проверяют разные члены жюри (п. 69), повторная оценка не принимается."
            )
        if not points:
            raise MarkingRefused(f"Не указано ни одного балла за работу {self.work_code}.")
        for number, value in points.items():
            self.scheme.validate_points(number, value)
        if len(self._pair) < MARKERS_PER_WORK:
            self._require_every_task(points)
        else:
            self._require_only_open_disputes(points)
        recorded = tuple(Mark(number, jury_member_id, points[number]) for number in sorted(points))
        return replace(self, marks=self.marks + recorded)

    def _require_every_task(self, points: Mapping[int, Decimal]) -> None:
        missing = [n for n in self.scheme.task_numbers if n not in points]
        if missing:
            raise MarkingRefused(
                f"Оценены не все задания работы {self.work_code}: не хватает баллов за задания "
                + ", ".join(map(str, missing))
                + ". Член жюри оценивает каждое задание.",
                task_numbers=missing,
            )

    def _require_only_open_disputes(self, points: Mapping[int, Decimal]) -> None:
        open_disputes = self.tasks_needing_third_mark()
        if not open_disputes:
            raise MarkingRefused(
                f"Работа {self.work_code} уже проверена двумя членами жюри, "
                "третья проверка не требуется."
            )
        extra = sorted(n for n in points if n not in open_disputes)
        if extra:
            raise MarkingRefused(
                "Третий член жюри оценивает только задания со значительным расхождением оценок "
                "(п. 73): в работе "
                f"{self.work_code} это задания " + ", ".join(map(str, open_disputes)) + "; "
                "задания " + ", ".join(map(str, extra)) + " третьей проверки не требуют."
            )

    def import_results(self, points: Mapping[int, Decimal]) -> WorkSheet:
        """The testing system's points of every task (§67); a later import replaces them."""
        if self.annulment is not None:
            raise MarkingRefused(
                f"Работа {self.work_code} аннулирована: баллы тестирующей системы не вносятся. "
                + self.annulment.text
            )
        if not self.checked_automatically:
            raise MarkingRefused(
                f"Работу {self.work_code} проверяют члены жюри (п. 69): результаты тестирующей "
                "системы вносятся только по предметам, которые она проверяет (информатика)."
            )
        for number, value in points.items():
            self.scheme.validate_points(number, value)
        missing = [n for n in self.scheme.task_numbers if n not in points]
        if missing:
            raise MarkingRefused(
                f"В результатах тестирующей системы для работы {self.work_code} нет баллов за "
                "задания " + ", ".join(map(str, missing)) + ": нужны баллы за каждое задание.",
                task_numbers=missing,
            )
        return replace(self, imported_scores=dict(points))

    def final_scores(self) -> dict[int, Decimal]:
        """The score of every task by the olympiad's rule; only for a checked work."""
        status = self.status
        if status is WorkStatus.ANNULLED:
            assert self.annulment is not None
            raise ScoringError(
                f"Работа {self.work_code} аннулирована, баллы не выставляются. "
                + self.annulment.text
            )
        if status is not WorkStatus.CHECKED:
            raise ScoringError(
                f"Проверка работы {self.work_code} не завершена ({status.label}): "
                "итоговые баллы появятся после неё."
            )
        if self.imported_scores is not None:
            return dict(self.imported_scores)
        scores = {}
        for number in self.scheme.task_numbers:
            first, second, third = self._pair_and_third(number)
            scores[number] = self.policy.rule.task_score(first, second, third, self.scheme.step)
        return scores

    def total(self) -> Decimal:
        """The sum of the final task scores recorded in the protocol (§75)."""
        return sum(self.final_scores().values(), Decimal(0))
