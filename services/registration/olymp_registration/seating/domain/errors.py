"""Refusals of seating (§30–31). The detail is what the organiser or the venue reads: Russian."""

from __future__ import annotations

from olymp_registration.domain.errors import RegistrationError


class InvalidSeatingPlan(RegistrationError):
    """The rooms chosen for a seating break a rule; `problems` lists every one."""

    title = "План рассадки не принят"

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(self.problems), errors=list(self.problems))


class SeatingImpossible(RegistrationError):
    """No arrangement meets §30 and §40 with these rooms; `problems` says where, why and what to do."""

    type_ = "seating-impossible"
    title = "Рассадка невозможна"

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(self.problems), errors=list(self.problems))


class SeatingTooLate(RegistrationError):
    """§30: seating is done no later than the day before the round."""

    type_ = "seating-too-late"
    title = "Срок рассадки прошёл"


class SeatingNotFound(RegistrationError):
    title = "Рассадка не проведена"


class RoomLayoutInUse(RegistrationError):
    """A venue change would take away desks where participants are seated."""

    type_ = "room-layout-in-use"
    title = "Аудитория занята рассадкой"
