"""Refusals of the appeals service. The detail is what an official reads: Russian, saying what was
wrong and what to do. Statuses are mapped once, in `api.ERRORS`; a caller outside the subject or
the commission gets core's `NotPermitted`."""

from __future__ import annotations

from olymp_core.errors import DomainError


class AppealRuleError(DomainError):
    """A request the appeal rules refuse (deadline, tasks, commission, motion, calendar)."""

    type_ = "appeal-rule"
    title = "Нарушено правило апелляции"


class AppealNotFound(DomainError):
    title = "Апелляция не найдена"


class DecisionFinal(DomainError):
    """§114: the appeal is decided; the decision is not reviewed."""

    title = "Решение по апелляции уже принято"


class CommissionNotSet(DomainError):
    title = "Состав апелляционной комиссии не утверждён"


class CommissionFrozen(DomainError):
    """§106: once members voted, the listed composition the majority counts against is fixed."""

    title = "Состав апелляционной комиссии уже не меняется"


class OlympiadUnknown(DomainError):
    """Registration's OlympiadCreated has not reached appeals: its time zone is not known here."""

    type_ = "olympiad-unknown"
    title = "Олимпиада не известна службе апелляций"


class WindowNotSet(DomainError):
    title = "Срок подачи апелляций не установлен"


class WorkNotAppealable(DomainError):
    """The work is not checked or decoded yet, or it is annulled: there are no scores to appeal."""

    title = "Работу нельзя обжаловать"


class AlreadyFiled(DomainError):
    """The participant's appeal of this subject is registered already (its `appeal_id` is given)."""

    title = "Апелляция уже подана"


class AttendanceNotRecorded(DomainError):
    """§109–110: whether the participant came decides whether the appeal is reviewed at all."""

    title = "Явка участника не зафиксирована"


class HearingAfterVoting(DomainError):
    title = "Голосование по апелляции уже началось"


class NotDecidedYet(DomainError):
    """The appeal protocol (App. 9) records a decision: there is none yet."""

    title = "Решение по апелляции ещё не принято"
