"""Refusals of scanning. The detail is what a scan-station operator, a coding officer or a jury
member reads: Russian, naming the file or page and what to do.

The slugs `scan-file-rejected`, `scan-too-large` and `unknown-work-code` are older than these
classes and clients know them, so they are set explicitly. A missing Cyrillic font is
`olymp_core.pdf_fonts.FontMissing` (`font-missing`, 503), as for every PDF of the suite.
"""

from __future__ import annotations

from olymp_core.errors import DomainError, NotPermitted


class ScanError(DomainError):
    """A file (or one of its pages) cannot be taken in; the detail says which, why, and what to do.

    The problem carries the file's name and the kind of refusal (`EmptyFile`, ...), so the station's
    upload command can report each file.
    """

    type_ = "scan-file-rejected"
    title = "Файл скана не принят"

    def __init__(self, filename: str, message: str) -> None:
        super().__init__(message, filename=filename, error=type(self).__name__)
        self.filename = filename


class EmptyFile(ScanError):
    """Zero bytes, or a PDF without pages."""


class UnsupportedFileType(ScanError):
    """Neither PDF nor a JPEG, PNG or TIFF image."""


class CorruptDocument(ScanError):
    """Looks like a supported type but cannot be read (truncated upload, broken PDF)."""


class PageTooLarge(ScanError):
    """A page whose image is larger than any sheet a scan station scans (M6): refused before it
    is decoded, so one hostile page cannot take the service's memory."""

    def __init__(self, filename: str, page: int, message: str) -> None:
        super().__init__(filename, message)
        self.extensions["page"] = page
        self.page = page


class ScanTooLarge(DomainError):
    """An upload beyond what one request may carry."""

    type_ = "scan-too-large"
    title = "Файл скана слишком большой"


class PageNotFound(DomainError):
    title = "Страница не найдена"


class PageAlreadyAssigned(DomainError):
    title = "Страница уже привязана к работе"


class PageNotQueued(DomainError):
    """A decision on a page that is no longer in the manual queue (marked a draft, discarded)."""

    title = "Страница уже не в очереди"


class PageNotReturnable(DomainError):
    """Returning a page to the queue that never passed through it, or is already there."""

    title = "Страницу нельзя вернуть в очередь"


class GradeDecoded(DomainError):
    """The work's subject and grade is decoded (§65): its pages are settled for good."""

    title = "Работы класса уже декодированы"


class UnknownWorkCode(DomainError):
    """A well-formed code that no work of the olympiad carries."""

    type_ = "unknown-work-code"
    title = "Неверный шифр"


class WrongSubject(DomainError):
    """A code of another subject than the one the officer named."""

    title = "Шифр другого предмета"


class OutOfScope(NotPermitted):
    """A page or work of a subject the caller is not assigned to (403, like every NotPermitted)."""


class LinkRefused(DomainError):
    """A page link that was tampered with, issued for another page, or has expired."""

    title = "Ссылка недействительна"


class SubjectNotCoded(DomainError):
    """A subject whose works carry the registration ID instead of a code (§60)."""

    title = "Работы предмета не шифруются"
