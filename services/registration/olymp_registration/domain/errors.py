"""Errors of the registration rules. The message is what an official reads, so it is Russian."""

from __future__ import annotations


class RegistrationError(ValueError):
    """A registration rule was broken; `str(error)` says what and what to do, in Russian."""


class InvalidOlympiad(RegistrationError):
    """An olympiad, its schedule or its venues break a creation rule; `problems` lists every one."""

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(self.problems))


class InvalidParticipant(RegistrationError):
    """A participant's data break a rule; `field` names the attribute that is wrong."""

    def __init__(self, message: str, *, field: str) -> None:
        self.field = field
        super().__init__(message)


class CheckInRefused(RegistrationError):
    """A check-in, absence mark or removal that the participant's current state does not allow."""
