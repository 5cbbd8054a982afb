"""The demo day's side-by-side requests: in turn by default, bounded when people work at once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from olymp_cli.demo.client import SuiteClient
from olymp_cli.demo.day import OlympiadDay
from olymp_core.auth import TokenIssuer, generate_local_key


def day(tmp_path: Path, concurrency: int) -> OlympiadDay:
    key = tmp_path / "auth.pem"
    generate_local_key(key)
    suite = SuiteClient({}, TokenIssuer(key.read_bytes()))
    return OlympiadDay(
        suite, participants=10, schools=2, seed=1, say=lambda _: None, concurrency=concurrency
    )


def calls(
    count: int, log: list[str], running: list[int], peak: list[int]
) -> list[Callable[[], Awaitable[None]]]:
    def call(index: int) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            log.append(f"start {index}")
            await asyncio.sleep(0)  # let the others in, if they may come
            log.append(f"end {index}")
            running[0] -= 1

        return run

    return [call(index) for index in range(count)]


async def test_one_at_a_time_sends_every_request_in_turn(tmp_path: Path) -> None:
    log: list[str] = []
    running, peak = [0], [0]

    await day(tmp_path, 1).side_by_side(calls(5, log, running, peak))

    assert log == [f"{what} {i}" for i in range(5) for what in ("start", "end")]
    assert peak == [1]


async def test_concurrency_bounds_the_requests_in_flight(tmp_path: Path) -> None:
    log: list[str] = []
    running, peak = [0], [0]

    await day(tmp_path, 4).side_by_side(calls(20, log, running, peak))

    assert peak == [4]
    assert sorted(log) == sorted(f"{what} {i}" for i in range(20) for what in ("start", "end"))


def test_concurrency_below_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="concurrency"):
        day(tmp_path, 0)
