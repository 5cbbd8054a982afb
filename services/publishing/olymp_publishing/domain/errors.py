"""Refusals of the publishing rules. The detail is what the jury chair or organiser reads: Russian.

The type slugs are the ones clients already tell apart; they predate these classes and stay.
"""

from __future__ import annotations

from olymp_core.errors import DomainError


class RankingRuleError(DomainError):
    """The rating table cannot be built as asked (a ruling off the boundary, data at odds)."""

    type_ = "ranking-rule"
    title = "Рейтинговую таблицу построить нельзя"


class UndecidedTie(DomainError):
    """A tie group at a quota boundary still waits for the chair's ruling (§117).

    Extensions: `undecided_totals` (the groups' totals) and `ties` (each group with the statuses the
    chair may choose, best first).
    """

    title = "Нет решения председателя жюри"


class ResultsNotReady(DomainError):
    """Decoding, scores or personal data of a table are still missing (§61, §65)."""

    title = "Результаты ещё не готовы"


class UnknownSubject(DomainError):
    title = "Неизвестный предмет"


class NotPublished(DomainError):
    """No published version of the table matches the address."""

    type_ = "not-found"
    title = "Результаты не опубликованы"


class InvalidQuotaPolicy(DomainError):
    """The organiser's quota cannot hold (shares outside 0..1, no room for winners...)."""

    type_ = "bad-request"
    title = "Квота не принята"


class FinalNotSubmitted(DomainError):
    """The organiser approves only what the jury chair has submitted (§117, §121)."""

    title = "Итоговые результаты не переданы на утверждение"


class AppealsNotOver(DomainError):
    """The appeal window is open or an appeal awaits its decision (§96, §112–114, §121).

    Extension: `reasons`, each obstacle in Russian.
    """

    title = "Апелляции ещё не завершены"
