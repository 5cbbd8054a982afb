"""Background parts: one loop shape, one back-off rule, started and stopped in order."""

from __future__ import annotations

import asyncio

import pytest

from olymp_core.lifecycle import Loop, Wakeup, running
from olymp_core.retry import Backoff
from olymp_core.testing.events import eventually


def test_backoff_grows_to_its_cap() -> None:
    backoff = Backoff(first=0.5, cap=4.0)
    assert [backoff.pause(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 4.0]


def test_backoff_with_jitter_stays_within_the_pause() -> None:
    backoff = Backoff(first=1.0, cap=8.0, jitter=1.0)
    pauses = [backoff.pause(4) for _ in range(200)]
    assert all(0.0 <= p <= 8.0 for p in pauses)
    assert len(set(pauses)) > 100  # spread out, so clients that failed together come back apart


async def test_a_loop_runs_its_step_until_stopped_and_honours_the_pause_it_asks_for() -> None:
    runs: list[int] = []

    async def step() -> float:
        runs.append(len(runs))
        return 0.0 if len(runs) < 3 else 3600.0  # three at once, then an hour's pause

    loop = Loop("probe", step, interval=3600.0)
    async with running(loop):

        async def three() -> bool:
            return len(runs) == 3

        await eventually(three, within_s=5)
    assert not loop.running
    assert len(runs) == 3


async def test_a_wakeup_cuts_the_pause_short() -> None:
    runs: list[int] = []
    wakeup = Wakeup()

    async def step() -> None:
        runs.append(1)

    async with running(Loop("probe", step, interval=3600.0, wakeup=wakeup)):

        async def ran(times: int) -> bool:
            return len(runs) == times

        await eventually(lambda: ran(1), within_s=5)
        wakeup.notify()
        await eventually(lambda: ran(2), within_s=5)


async def test_a_failing_step_is_retried_with_backoff_and_the_count_resets_on_success() -> None:
    outcomes = iter([RuntimeError("database away"), RuntimeError("still away"), None, None])
    seen: list[str] = []

    async def step() -> float:
        outcome = next(outcomes, None)
        if isinstance(outcome, Exception):
            seen.append("failed")
            raise outcome
        seen.append("ok")
        return 0.0 if len(seen) < 4 else 3600.0

    loop = Loop("probe", step, interval=3600.0, backoff=Backoff(first=0.01, cap=0.02))
    async with running(loop):

        async def settled() -> bool:
            return len(seen) == 4

        await eventually(settled, within_s=5)
    assert seen == ["failed", "failed", "ok", "ok"]


async def test_stop_cancels_a_step_that_outlives_its_grace() -> None:
    started = asyncio.Event()

    async def endless() -> None:
        started.set()
        await asyncio.Event().wait()  # a stream that never ends by itself

    loop = Loop("stream", endless, interval=1.0, grace=0.0)
    async with running(loop):
        await asyncio.wait_for(started.wait(), 5)
    assert not loop.running


class Part:
    def __init__(self, name: str, log: list[str], fail: bool = False) -> None:
        self.name, self._log, self._fail = name, log, fail

    async def start(self, tasks: asyncio.TaskGroup) -> None:
        if self._fail:
            raise RuntimeError(f"{self.name} cannot start")
        self._log.append(f"start {self.name}")

    async def stop(self) -> None:
        self._log.append(f"stop {self.name}")


async def test_an_error_in_the_block_propagates_as_itself() -> None:
    with pytest.raises(AssertionError, match="a failing check"):
        async with running(Part("relay", [])):
            raise AssertionError("a failing check")


async def test_parts_start_in_order_and_stop_in_reverse() -> None:
    log: list[str] = []
    async with running(Part("relay", log), Part("consumers", log), Part("grpc", log)):
        log.append("serving")
    assert log == [
        "start relay",
        "start consumers",
        "start grpc",
        "serving",
        "stop grpc",
        "stop consumers",
        "stop relay",
    ]


async def test_a_part_that_fails_to_start_stops_those_started_before_it() -> None:
    log: list[str] = []
    with pytest.raises(RuntimeError, match="feed cannot start"):
        async with running(Part("relay", log), Part("feed", log, fail=True), Part("grpc", log)):
            log.append("serving")
    assert log == ["start relay", "stop relay"]
