"""The release timer keeps the garbage collector off the hub's objects while keys go out."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest

from olymp_core.testing.events import eventually
from olymp_materials.feed.background import CollectorHold


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


async def frozen() -> bool:
    return gc.get_freeze_count() > 0


async def thawed_now() -> bool:
    return gc.get_freeze_count() == 0


async def test_objects_are_out_of_the_collectors_sight_until_the_keys_are_out() -> None:
    loop = asyncio.get_running_loop()
    hold = CollectorHold(fan_out_s=0.2)
    kept = [object() for _ in range(10)]  # at least something exists before the instant
    keys_out = loop.time() + 0.1 + 0.2

    hold.before(0.1)

    assert await frozen()
    await eventually(thawed_now, within_s=5.0)
    assert loop.time() >= keys_out
    assert kept


async def test_a_later_instant_makes_the_hold_longer_never_shorter() -> None:
    loop = asyncio.get_running_loop()
    hold = CollectorHold(fan_out_s=0.0)
    hold.before(0.6)
    longest = loop.time() + 0.6

    hold.before(0.0)  # an earlier instant while holding: keeps the longer hold
    await eventually(lambda: _after(loop, longest - 0.3))
    assert await frozen()
    await eventually(thawed_now, within_s=5.0)
    assert loop.time() >= longest


async def test_release_ends_the_hold_at_once() -> None:
    hold = CollectorHold(fan_out_s=60.0)
    hold.before(60.0)
    assert await frozen()

    hold.release()

    assert await thawed_now()


async def _after(loop: asyncio.AbstractEventLoop, moment: float) -> bool:
    return loop.time() >= moment
