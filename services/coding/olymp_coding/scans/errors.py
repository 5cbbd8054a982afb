"""Why a request about scanned pages is refused; `str()` is the Russian reason for the official."""

from olymp_coding.domain import CodingError


class ScanRequestError(CodingError):
    """Base of the refusals below."""


class PageNotFound(ScanRequestError):
    pass


class PageAlreadyAssigned(ScanRequestError):
    pass


class UnknownWorkCode(ScanRequestError):
    pass


class WrongSubject(ScanRequestError):
    pass


class OutOfScope(ScanRequestError):
    pass


class LinkRefused(ScanRequestError):
    pass
