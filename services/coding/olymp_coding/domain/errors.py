"""Refusals of the coding rules. The detail is what an official reads, so it is Russian.

The slugs `unknown-work-code`, `decoding-refused` and `unknown-subject` are older than these classes
and clients know them, so they are set explicitly.
"""

from __future__ import annotations

from olymp_core.errors import DomainError


class CodingError(DomainError):
    """A coding rule was broken; `str(error)` says what and what to do, in Russian."""

    title = "Нарушено правило шифрования"


class MistypedCode(CodingError):
    """A work code that cannot be valid: a wrong character, length or check character."""

    type_ = "unknown-work-code"
    title = "Неверный шифр"


class DecodingRefused(CodingError):
    """The decoding gate is closed (§61); `unchecked_codes` lists the works still to be checked."""

    type_ = "decoding-refused"
    title = "Декодирование запрещено"


class SubjectNotFound(DomainError):
    """A subject in the address that is not one of §3."""

    title = "Предмет не найден"


class InvalidSubject(DomainError):
    """A subject named in a request (a station's, a typed one) that is not one of §3."""

    type_ = "unknown-subject"
    title = "Неизвестный предмет"
