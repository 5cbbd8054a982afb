"""Refusals of the scoring rules. The detail is what a jury member or official reads: Russian."""

from __future__ import annotations

from olymp_core.errors import DomainError


class ScoringError(DomainError):
    """A scoring rule was broken; `str(error)` says what and what to do, in Russian."""

    title = "Нарушено правило проверки"


class InvalidScheme(ScoringError):
    """The marking criteria the chair set cannot be used (tasks, maxima, step, threshold, rule)."""

    title = "Недопустимые критерии оценивания"


class InvalidMarks(ScoringError):
    """A mark that the criteria do not allow (unknown task, out of range, off the step)."""

    title = "Недопустимые баллы"


class MarkingRefused(ScoringError):
    """A marking the state of the work does not admit (annulled, marked already, no dispute)."""

    title = "Оценка не принимается"


class ResultsImportRefused(ScoringError):
    """The subject is marked by the jury, not checked by a testing system (§67, §69)."""

    title = "Результаты тестирующей системы не принимаются"


class RecheckRefused(ScoringError):
    """A re-check the rules do not admit (nothing to draw from, a member who marked the work)."""

    title = "Перепроверка не принимается"


class ClaimedByOthers(MarkingRefused):
    """Other members hold every free place at the work (§69, §73): the caller takes the next one."""

    title = "Работу проверяют другие члены жюри"


class ClaimsBusy(DomainError):
    """Many members took works at the same moment and none was left to this caller: ask again."""

    title = "Работы сейчас разбирают другие члены жюри"


class WorkNotFound(DomainError):
    title = "Работа не найдена"


class CriteriaMissing(DomainError):
    title = "Критерии оценивания не заданы"


class CriteriaLocked(DomainError):
    title = "Критерии оценивания уже применяются"


class AlreadyAnnulled(DomainError):
    title = "Работа уже аннулирована"


class ResultsFinal(DomainError):
    """The final results are out: §119 annuls only before they are approved."""

    title = "Итоговые результаты уже утверждены"
