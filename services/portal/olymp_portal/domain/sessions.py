"""When a session ends: after a while without a request, and in any case after a working day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class SessionState(StrEnum):
    ACTIVE = "active"
    IDLE = "idle"  # no request for too long: sign in again
    OVER = "over"  # the session's full lifetime has passed


@dataclass(frozen=True)
class SessionPolicy:
    idle: dt.timedelta
    lifetime: dt.timedelta
    # last_seen is written at most this often, not on every request of a busy screen
    touch_every: dt.timedelta = dt.timedelta(minutes=1)

    def state(
        self, created_at: dt.datetime, last_seen_at: dt.datetime, now: dt.datetime
    ) -> SessionState:
        if now - created_at >= self.lifetime:
            return SessionState.OVER
        if now - last_seen_at >= self.idle:
            return SessionState.IDLE
        return SessionState.ACTIVE

    def needs_touch(self, last_seen_at: dt.datetime, now: dt.datetime) -> bool:
        return now - last_seen_at >= self.touch_every

    def expires_at(self, created_at: dt.datetime) -> dt.datetime:
        return created_at + self.lifetime
