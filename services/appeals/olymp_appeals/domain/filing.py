"""Filing an appeal (§95–98, §101, §105): which tasks, by when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from olymp_appeals.domain.errors import AppealRuleError
from olymp_core.clock import to_local


@dataclass(frozen=True)
class TaskScore:
    number: int
    score: Decimal
    max_score: Decimal

    def __post_init__(self) -> None:
        if not self.max_score.is_finite() or self.max_score <= 0:
            raise ValueError(
                f"task {self.number}: max_score must be positive, not {self.max_score}"
            )
        if not self.score.is_finite() or not 0 <= self.score <= self.max_score:
            raise ValueError(f"task {self.number}: score {self.score} outside 0..{self.max_score}")


@dataclass(frozen=True)
class WorkScores:
    """The per-task scores of one checked work, as the jury protocol records them (§75)."""

    participant_id: str
    tasks: tuple[TaskScore, ...]

    def __post_init__(self) -> None:
        numbers = [task.number for task in self.tasks]
        if not numbers or len(set(numbers)) != len(numbers):
            raise ValueError(f"work of {self.participant_id}: task numbers {numbers} not unique")

    def task(self, number: int) -> TaskScore:
        for task in self.tasks:
            if task.number == number:
                return task
        raise KeyError(number)

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(sorted(task.number for task in self.tasks))

    @property
    def total(self) -> Decimal:
        return sum((task.score for task in self.tasks), Decimal(0))


@dataclass(frozen=True)
class Appeal:
    """An accepted application; only `task_numbers` are reviewed (§105)."""

    participant_id: str
    task_numbers: tuple[int, ...]
    filed_at: dt.datetime
    deadline: dt.datetime
    review_without_participant: bool = False  # §101: the participant asked not to attend


def file_appeal(
    work: WorkScores,
    task_numbers: Iterable[int],
    filed_at: dt.datetime,
    deadline: dt.datetime,
    tz_name: str,
    *,
    opens_at: dt.datetime | None = None,
    review_without_participant: bool = False,
) -> Appeal:
    """Accept an application or refuse it with a message for the participant."""
    numbers = list(task_numbers)
    if not numbers:
        raise AppealRuleError(
            "В заявлении на апелляцию не указано ни одного задания. Укажите номера заданий,"
            " с оценкой которых вы не согласны: комиссия рассматривает только их (п. 105)."
        )
    repeated = sorted({n for n in numbers if numbers.count(n) > 1})
    if repeated:
        raise AppealRuleError(
            f"Задание № {_listing(repeated)} указано в заявлении несколько раз."
            " Укажите каждое задание один раз."
        )
    unknown = sorted(set(numbers) - set(work.numbers))
    if unknown:
        raise AppealRuleError(
            f"В работе нет задания № {_listing(unknown)}; в ней задания № {_listing(work.numbers)}."
            " Исправьте номера заданий в заявлении."
        )
    if opens_at is not None and filed_at < opens_at:
        raise AppealRuleError(
            f"Апелляция подаётся после показа работ (п. 89, 96), а показ по этому предмету "
            f"начнётся {_moment(opens_at, tz_name)}. Подайте заявление после показа."
        )
    if to_local(filed_at, tz_name) > to_local(deadline, tz_name):
        raise AppealRuleError(
            f"Срок подачи апелляции истёк {_moment(deadline, tz_name)}, а заявление подано"
            f" {_moment(filed_at, tz_name)}. Заявления после окончания срока не принимаются"
            " (п. 96). С вопросами обратитесь в организационный комитет олимпиады."
        )
    return Appeal(
        work.participant_id, tuple(sorted(numbers)), filed_at, deadline, review_without_participant
    )


def _listing(numbers: Iterable[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _moment(instant: dt.datetime, tz_name: str) -> str:
    local = to_local(instant, tz_name)
    return f"{local:%d.%m.%Y в %H:%M} (время {tz_name})"
