"""The error the appeal rules raise; its message is for people, in Russian."""

from __future__ import annotations


class AppealRuleError(ValueError):
    """A request the rules refuse; `str(error)` says what was wrong and what to do."""
