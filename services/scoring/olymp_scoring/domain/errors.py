"""Errors of the scoring rules. The message is what a jury member or official reads: Russian."""

from __future__ import annotations


class ScoringError(ValueError):
    """A scoring rule was broken; `str(error)` says what and what to do, in Russian."""
