"""The sweeper: the database is the truth, a message is a hint.

A sweep job compares what should have happened with what did (a checked-in participant without a work,
a decoded subject without its preliminary table) and does the missing work itself, idempotently. It heals
whatever a lost or dead-lettered message left undone. The service runs the jobs periodically (a
`Loop`); a job that does other scheduled work (retention, releases) is not a sweep job.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from prometheus_client import Counter

log = logging.getLogger("olymp.sweeper")

HEALED = Counter("olymp_sweeper_healed", "Items of work the sweeper completed", ["job"])


@dataclass(frozen=True)
class SweepJob:
    """`run()` heals what it finds and returns how many items it completed."""

    name: str
    run: Callable[[], Awaitable[int]]


class Sweeper:
    def __init__(self, jobs: Sequence[SweepJob], *, interval: float = 60.0) -> None:
        self.jobs = tuple(jobs)
        self.interval = interval

    async def run_once(self) -> dict[str, int]:
        healed: dict[str, int] = {}
        for job in self.jobs:
            try:
                healed[job.name] = await job.run()
            except Exception as exc:  # one broken job must not stop the others
                log.exception("sweep job failed", extra={"job": job.name, "error": repr(exc)})
                healed[job.name] = 0
                continue
            if healed[job.name]:
                HEALED.labels(job.name).inc(healed[job.name])
                log.info("sweep healed work", extra={"job": job.name, "items": healed[job.name]})
        return healed
