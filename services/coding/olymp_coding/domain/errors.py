"""Errors of the coding rules. The message is what an official reads, so it is Russian."""

from __future__ import annotations


class CodingError(ValueError):
    """A coding rule was broken; `str(error)` says what and what to do, in Russian."""


class MistypedCode(CodingError):
    """A work code that cannot be valid: a wrong character, length or check character."""
