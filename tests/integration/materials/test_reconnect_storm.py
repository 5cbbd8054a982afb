"""A reconnect storm: after two releases, 3,000 mirror streams come back at the same moment
(a hub restarted at 07:59) and every one of them must be subscribed within 10 s.

Before the fix, gRPC core cancelled the calls that waited longer than its pending-request limits
while the hub's event loop took them one by one: those mirrors saw CANCELLED and, in the
benchmark, 0 of 3,000 were following the feed when the key left.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing as mp
import uuid
from pathlib import Path
from typing import Any

import pytest

from olymp_core.auth import Role
from olymp_core.grpc import GrpcServer
from olymp_core.testing.events import eventually
from olymp_core.testing.service import ServiceHarness, running_service
from olymp_materials.feed.grpc_api.broadcaster import FeedBroadcaster
from olymp_materials.handlers import Node
from tests.support.feed_streams import run_streams

pytestmark = pytest.mark.integration

STORM = 3_000


def broadcaster_of(svc: ServiceHarness) -> FeedBroadcaster:
    [node] = [c for c in svc.service.contexts if isinstance(c, Node)]
    feed = node.require_hub().feed
    assert isinstance(feed, FeedBroadcaster)
    return feed


def feed_port(svc: ServiceHarness) -> int:
    [server] = [p for p in svc.service.lifecycles if isinstance(p, GrpcServer)]
    assert server.port is not None
    return server.port


async def release_round(svc: ServiceHarness, streams: int) -> dict[str, int]:
    """`streams` mirrors follow the feed while a package is pushed and its key released."""
    broadcaster = broadcaster_of(svc)
    token = svc.issuer.issue("storm-mirrors", [Role.SERVICE], ttl=dt.timedelta(hours=1))
    results: Any = mp.get_context("spawn").Queue()
    child = mp.get_context("spawn").Process(
        target=run_streams,
        args=(feed_port(svc), token, streams, broadcaster.last_sequence, results, 60.0),
    )
    child.start()
    try:

        async def all_following() -> bool:
            return broadcaster.subscribers >= streams

        await eventually(all_following, within_s=10)
        release_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
        pushed = await svc.client.post(
            f"/olympiads/{uuid.uuid4()}/subjects/math/packages/tasks",
            content=b"tasks " * 1_000,
            params={"release_at": release_at.isoformat()},
            headers=svc.auth(Role.COORDINATOR),
        )
        assert pushed.status_code == 201, pushed.text
        outcome: dict[str, int] = await asyncio.to_thread(results.get, True, 90)
    finally:
        await asyncio.to_thread(child.join, 30)
        if child.is_alive():
            child.kill()
    return outcome


async def test_3000_streams_reconnecting_at_once_after_two_rounds_are_all_subscribed(
    tmp_path: Path,
) -> None:
    async with running_service(
        "materials", tmp_path, role="hub", release_poll_interval_s=0.2, log_level="WARNING"
    ) as svc:
        assert await release_round(svc, 100) == {"key": 100}
        assert await release_round(svc, 100) == {"key": 100}
        assert await release_round(svc, STORM) == {"key": STORM}
