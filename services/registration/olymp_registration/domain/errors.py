"""Refusals of the registration rules. The detail is what an official reads, so it is Russian.

Each class is one refusal a client may want to tell apart; `api.ERRORS` gives its HTTP status.
"""

from __future__ import annotations

from olymp_core.errors import DomainError, NotPermitted


class RegistrationError(DomainError):
    """A registration rule was broken; `str(error)` says what and what to do, in Russian."""

    title = "Нарушено правило регистрации"


class InvalidOlympiad(RegistrationError):
    """An olympiad, its schedule or its venues break a creation rule; `problems` lists every one."""

    title = "Олимпиада не создана"

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(self.problems), errors=list(self.problems))


class InvalidParticipant(RegistrationError):
    """A participant's data break a rule; `field` names the attribute that is wrong."""

    title = "Данные участника не приняты"

    def __init__(self, message: str, *, field: str) -> None:
        self.field = field
        super().__init__(message)


class CheckInRefused(RegistrationError):
    """A check-in, absence mark or removal that the participant's current state does not allow."""

    title = "Отметка не принята"


class RemovalRefused(CheckInRefused):
    """A removal act the participant's state does not allow (not present, removed already)."""

    title = "Удаление не принято"


class IdentityDocumentRefused(RegistrationError):
    """The documents marked at the entrance are not the ones §36 asks of the participant's age."""

    title = "Документ, удостоверяющий личность, не подходит"


class DuplicateCheckInEntry(RegistrationError):
    title = "Участник указан в списке дважды"


class DayInFuture(RegistrationError):
    title = "День тура ещё не наступил"


class VenueRequired(RegistrationError):
    title = "Не указана площадка проведения"


class UnknownVenue(RegistrationError):
    title = "Площадка проведения не найдена"


class VenueOutOfScope(NotPermitted):
    """The caller is limited to other venues than the one the act concerns."""

    type_ = "venue-out-of-scope"


class MunicipalityOutOfScope(NotPermitted):
    """An organiser restricted to some municipalities creates an olympiad of another one."""

    title = "Олимпиада другого муниципалитета"


class OlympiadNotFound(DomainError):
    title = "Олимпиада не найдена"


class OlympiadExists(DomainError):
    """An olympiad is created under an id (the region's) this installation already holds."""

    title = "Олимпиада уже создана"


class SubjectNotScheduled(DomainError):
    """The subject named in the address is not in this olympiad's schedule."""

    title = "Предмет не включён в расписание"


class ParticipantNotFound(DomainError):
    title = "Участник не найден"


class ImportRejected(RegistrationError):
    """The file was not imported at all; `errors` lists every row to fix."""

    type_ = "participants-import-rejected"
    title = "Файл участников не принят"


class ImportConflict(DomainError):
    """Another import registered some of the same people between our check and our insert."""

    type_ = "participants-import-conflict"
    title = "Конфликт с другим импортом"


class FileTooLarge(DomainError):
    title = "Файл слишком большой"


class ImportTooSlow(RegistrationError):
    """Reading the file took longer than its budget: nothing was imported."""

    type_ = "participants-import-too-slow"
    title = "Файл участников не прочитан"


class WithdrawalRefused(RegistrationError):
    """A withdrawal the participant's state or the calendar does not allow."""

    title = "Отзыв заявки не принят"


class InvalidEligibilityRules(RegistrationError):
    """The organiser's thresholds or awardee list break a rule; `problems` lists every one."""

    title = "Условия допуска не приняты"

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(self.problems), errors=list(self.problems))
