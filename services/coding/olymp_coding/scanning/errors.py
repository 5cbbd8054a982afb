"""Why an uploaded file yields no pages. The message is what a scan-station operator reads: Russian."""

from __future__ import annotations


class ScanError(ValueError):
    """A file (or one of its pages) cannot be taken in; `str(error)` says which, why, and what to do."""

    def __init__(self, filename: str, message: str) -> None:
        super().__init__(message)
        self.filename = filename


class EmptyFile(ScanError):
    """Zero bytes, or a PDF without pages."""


class UnsupportedFileType(ScanError):
    """Neither PDF nor a JPEG, PNG or TIFF image."""


class CorruptDocument(ScanError):
    """Looks like a supported type but cannot be read (truncated upload, broken PDF)."""
