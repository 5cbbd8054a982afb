"""The sweeper: the database is the truth, a message is a hint.

A sweep job compares what should have happened with what did (a checked-in participant without a work,
a released package without its key delivered) and does the missing work itself, idempotently. It heals
whatever a lost or dead-lettered message left undone. Jobs run periodically and on demand (`olymp sweep`).
"""

from __future__ import annotations

import asyncio
import contextlib
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

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.run_once()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)
