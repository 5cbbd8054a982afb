"""Refusals of public observation. The detail is what an organiser or an observer reads: Russian.

`observers.api.ERRORS` gives each its HTTP status.
"""

from __future__ import annotations

from olymp_core.errors import DomainError


class ObserverError(DomainError):
    """A rule of public observation was broken; `str(error)` says what and what to do."""

    title = "Нарушено правило общественного наблюдения"


class InvalidObserver(ObserverError):
    """An accreditation breaks its rules; `problems` lists every one at once."""

    title = "Наблюдатель не аккредитован"

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(self.problems), errors=list(self.problems))


class InvalidAssignment(ObserverError):
    title = "Назначение не принято"

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(self.problems), errors=list(self.problems))


class ObserverConflict(DomainError):
    """The same login, certificate or assignment is already recorded, or the state forbids it."""

    title = "Противоречит уже записанному"


class ReportRefused(ObserverError):
    """A violation report (or its attachment) the rules of §19 do not admit now."""

    title = "Сообщение о нарушении не принято"


class ReportTooLate(ReportRefused):
    """After the third day: `deadline` (an instant) is in the problem's extensions."""

    type_ = "report-too-late"
    title = "Срок подачи сообщения о нарушении истёк"


class ReportTextRefused(ReportRefused):
    """The report's text is empty or too long: the form names the text field."""

    title = "Текст сообщения не принят"


class AttachmentRefused(ReportRefused):
    title = "Вложение не принято"


class AttachmentTooLarge(DomainError):
    title = "Вложение слишком большое"


class ReportDecided(ObserverConflict):
    title = "Решение по сообщению уже принято"


class ObserverNotFound(DomainError):
    title = "Наблюдатель не найден"


class AssignmentNotFound(DomainError):
    title = "Назначение не найдено"


class ReportNotFound(DomainError):
    title = "Сообщение о нарушении не найдено"


class AttachmentNotFound(DomainError):
    title = "Вложение не найдено"
