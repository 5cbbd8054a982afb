"""One back-off rule for everything that retries: the consumer, the outbox relay, mirrors, loops.

Pauses grow from `first` by `factor` up to `cap`. With `jitter` a share of each pause is drawn at
random, so that thousands of clients that lost the same server do not all come back in the same
millisecond (the reconnect storm at 07:59 when a hub restarts).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Backoff:
    first: float = 0.5
    cap: float = 15.0
    factor: float = 2.0
    jitter: float = 0.0  # 0: exact pauses; 1: anywhere between 0 and the pause ("full jitter")
    _random: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def pause(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (1 for the first retry)."""
        pause = min(self.first * self.factor ** max(attempt - 1, 0), self.cap)
        if self.jitter:
            pause -= pause * self.jitter * self._random.random()
        return float(pause)
