"""Domain errors: refusals by the olympiad's rules, raised by domain code and handlers only.

A domain error knows nothing of HTTP. It carries a `detail` in Russian for the official who reads
it (what was wrong and what to do), a stable `type_` slug for programs, a `title`, and optional
extensions (e.g. the unchecked work codes). Each service maps its error classes to HTTP statuses
once (`ERRORS` in its `api.py`); the service runtime renders every refusal as an RFC 9457 problem.
Routes never catch domain errors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

ErrorMap = Mapping[type["DomainError"], int]


class DomainError(Exception):
    """Base of every refusal by a rule. Subclass per refusal a client may want to tell apart."""

    type_: ClassVar[str] = ""  # empty: derived from the class name (WorkNotFound -> work-not-found)
    title: ClassVar[str] = "Действие отклонено"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions

    @classmethod
    def slug(cls) -> str:
        return cls.type_ or _kebab(cls.__name__)


class NotPermitted(DomainError):
    """The caller's role or scope does not reach this object (checked where the object is known)."""

    type_ = "forbidden"
    title = "Доступ запрещён"


# Errors every service may raise and every service maps the same way.
CORE_ERRORS: dict[type[DomainError], int] = {NotPermitted: 403}


def status_of(error: DomainError, statuses: ErrorMap) -> int | None:
    """The status of the nearest class of `error` in `statuses` (its own class first)."""
    for cls in type(error).__mro__:
        if cls in statuses:
            return statuses[cls]
    return None


def _kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()
