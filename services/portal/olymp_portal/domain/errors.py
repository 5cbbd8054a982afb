"""What the portal refuses, in words the person at the screen can act on."""

from __future__ import annotations

import datetime as dt

from olymp_core.errors import DomainError


class PortalError(DomainError):
    """A refusal of the portal itself (not of a service behind it)."""


class SignInRefused(PortalError):
    """The form comes back with the login typed (never the password)."""

    title = "Вход не выполнен"

    def __init__(self, detail: str, *, login: str = "", next_: str = "/") -> None:
        super().__init__(detail)
        self.login = login
        self.next = next_


class TooManyAttempts(SignInRefused):
    title = "Слишком много попыток входа"

    def __init__(
        self, detail: str, *, retry_at: dt.datetime, login: str = "", next_: str = "/"
    ) -> None:
        super().__init__(detail, login=login, next_=next_)
        self.retry_at = retry_at


class CodeRefused(PortalError):
    """A participant's access code not accepted; the form comes back empty (a code is a secret)."""

    title = "Вход не выполнен"


class TooManyCodes(CodeRefused):
    title = "Слишком много попыток входа"


class SignInNeeded(PortalError):
    """No valid session: the person signs in (again) and comes back to the page they asked for."""

    title = "Требуется вход"


class RoleNeeded(PortalError):
    """Signed in with several roles and none chosen yet."""

    title = "Выберите роль"


class WrongRole(PortalError):
    title = "Недоступно для выбранной роли"


class CsrfRefused(PortalError):
    title = "Форма устарела"


class InvalidAccount(PortalError):
    title = "Учётная запись не создана"
