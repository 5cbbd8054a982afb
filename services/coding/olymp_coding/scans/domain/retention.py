"""How long a scanned page is kept (§21): at least a year from the day it was stored."""

from __future__ import annotations

import datetime as dt


def retain_until(stored_at: dt.datetime, years: int) -> dt.datetime:
    """The same calendar date `years` later (29 February becomes 1 March): never less than §21's year."""
    if years < 1:
        raise ValueError("scans are kept for at least one year (§21)")
    try:
        return stored_at.replace(year=stored_at.year + years)
    except ValueError:  # 29 February into a common year
        return stored_at.replace(year=stored_at.year + years, month=3, day=1)
