"""Failed sign-ins: how many, how recent, and until when a login (or an address) must wait."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LoginThrottle:
    max_failures: int
    window: dt.timedelta

    def retry_at(self, failures: Sequence[dt.datetime], now: dt.datetime) -> dt.datetime | None:
        """When the next attempt will be heard, or None if it is heard now.

        `max_failures` failures within the window close the door until the oldest of them leaves
        the window: a person who mistyped a few times waits minutes, a guesser gets a handful of
        tries per window, whatever the pace.
        """
        recent = sorted(at for at in failures if now - at < self.window)
        if len(recent) < self.max_failures:
            return None
        return recent[-self.max_failures] + self.window
