"""Parts of a service that live beside its HTTP server: started in order, stopped in reverse.

A `Lifecycle` starts its tasks in the service's one `asyncio.TaskGroup` and stops them on request.
Most parts are a `Loop`: a step run again and again until the service stops, with the pause the
step asks for, woken early by a `Wakeup`, and a growing back-off when the step fails. The outbox
relay, the sweeper, the hub's release timer, the mirror's subscription and the key-send audit are
all loops; none of them writes its own stop-event, task and cancel code.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Protocol

from olymp_core.retry import Backoff

log = logging.getLogger("olymp.lifecycle")


class Lifecycle(Protocol):
    name: str

    async def start(self, tasks: asyncio.TaskGroup) -> None:
        """Get ready (bind ports, first pass) and start background tasks in `tasks`."""
        ...

    async def stop(self) -> None:
        """Finish what is in hand and end every task started by `start`."""
        ...


@asynccontextmanager
async def running(*parts: Lifecycle) -> AsyncIterator[None]:
    """Run `parts` for the body of the block in one task group: started in order, stopped in
    reverse (a part that failed to start is not stopped; those before it are).

    A lone error, from the body or a part, propagates as itself rather than wrapped in an
    exception group, so a caller catches what it expects (an assertion, a start-up refusal).
    """
    started: list[Lifecycle] = []
    try:
        async with asyncio.TaskGroup() as tasks:
            try:
                for part in parts:
                    await part.start(tasks)
                    started.append(part)
                yield
            finally:
                for part in reversed(started):
                    await part.stop()
    except BaseExceptionGroup as group:
        if len(group.exceptions) == 1:
            raise group.exceptions[0] from None
        raise


class Wakeup:
    """Cuts a loop's pause short: e.g. a commit with events wakes the relay at once."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()

    async def wait(self, seconds: float) -> None:
        """Return when notified or after `seconds`, whichever comes first."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), seconds)
        self._event.clear()


Step = Callable[[], Awaitable[float | None]]


class Loop:
    """Run `step` until stopped; it returns the pause before the next run (None: `interval`).

    A failing step is logged and retried after `backoff`; the count resets after a success.
    `stop()` lets a running step finish for up to `grace` seconds, then cancels it.
    """

    def __init__(
        self,
        name: str,
        step: Step,
        *,
        interval: float,
        wakeup: Wakeup | None = None,
        backoff: Backoff | None = None,
        grace: float = 10.0,
    ) -> None:
        self.name = name
        self.step = step
        self.interval = interval
        self.wakeup = wakeup or Wakeup()
        self.backoff = backoff or Backoff()
        self.grace = grace
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def every(
        cls, name: str, job: Callable[[], Awaitable[Any]], *, interval: float, **options: Any
    ) -> Loop:
        """A loop that runs `job` every `interval` seconds, whatever it returns."""

        async def step() -> None:
            await job()

        return cls(name, step, interval=interval, **options)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self, tasks: asyncio.TaskGroup) -> None:
        self._stopping.clear()
        self._task = tasks.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        self._stopping.set()
        self.wakeup.notify()
        task, self._task = self._task, None
        if task is None:
            return
        done, _ = await asyncio.wait([task], timeout=self.grace)
        if not done:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                pause = await self.step()
                failures = 0
            except Exception as exc:
                failures += 1
                pause = self.backoff.pause(failures)
                log.warning(
                    "background step failed; retrying",
                    extra={"loop": self.name, "attempt": failures, "error": repr(exc)},
                    exc_info=failures == 1,
                )
            if self._stopping.is_set():
                break
            pause = self.interval if pause is None else pause
            if pause > 0:
                await self.wakeup.wait(pause)
