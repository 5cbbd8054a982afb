"""At the instant the sends of a key to every open stream are written down in one transaction
before any stream can see the key; a stream opened later writes down its own send (§24)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import grpc
import pytest
import sqlalchemy as sa

from olymp.materials.v1 import materials_pb2 as pb
from olymp_core.auth import Role, bearer_metadata
from olymp_core.clock import ManualClock
from olymp_core.testing.events import eventually
from olymp_core.testing.service import ServiceHarness, running_service
from olymp_materials.feed.background import KeySendAudit, KeySendJournal
from olymp_materials.feed.grpc_api.broadcaster import FeedBroadcaster
from olymp_materials.feed.store import KeySend
from olymp_materials.handlers import Node
from tests.integration.materials.feedkit import feed_part, free_port, hub_settings
from tests.integration.materials.test_feed_audit import feed_stub
from tests.integration.materials.test_packages_api import (
    BEFORE,
    FAST,
    TASKS_AT,
    learn_olympiad,
    olympiad_created,
    scalar,
    upload,
)

pytestmark = pytest.mark.integration

MUNICIPALITIES = ["tara", "isilkul", "tyukalinsk"]


async def refused(journal: KeySendJournal, sent: KeySend) -> None:
    raise ConnectionError("journal unavailable")


async def refused_many(journal: KeySendJournal, sends: list[KeySend]) -> None:
    raise ConnectionError("journal unavailable")


def broadcaster_of(hub: ServiceHarness) -> FeedBroadcaster:
    [node] = [c for c in hub.service.contexts if isinstance(c, Node)]
    feed = node.require_hub().feed
    assert isinstance(feed, FeedBroadcaster)
    return feed


async def journal(hub: ServiceHarness) -> list[list[str]]:
    """The municipalities of each journal row, in the order written (none chained yet)."""
    async with hub.uows() as uow:
        result = await uow.session.execute(
            sa.text("SELECT municipality_ids FROM key_sends ORDER BY id")
        )
        return [sorted(row[0]) for row in result]


async def keys_at_the_instant(
    hub: ServiceHarness, clock: ManualClock, stub: Any, metadata: Any
) -> list[pb.FeedEvent]:
    """Open a stream per municipality, let the instant come, read each stream's key."""
    calls = [
        stub.Subscribe(pb.SubscribeRequest(municipality_id=m, after_sequence=0), metadata=metadata)
        for m in MUNICIPALITIES
    ]
    feed = broadcaster_of(hub)

    async def all_open() -> bool:
        return feed.subscribers == len(MUNICIPALITIES)

    await eventually(all_open)
    clock.set(TASKS_AT)

    async def key_of(call: Any) -> pb.FeedEvent:
        async for event in call:
            if event.HasField("key_released"):
                found: pb.FeedEvent = event
                return found
        raise AssertionError("the stream ended without a key")

    keys = await asyncio.wait_for(asyncio.gather(*(key_of(c) for c in calls)), timeout=15)
    for call in calls:
        call.cancel()
    return list(keys)


async def test_streams_open_at_the_instant_are_written_down_together_before_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a stream's own note fails: only the note written for all streams at once lets keys out
    monkeypatch.setattr(KeySendJournal, "record", refused)
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    config = hub_settings(tmp_path, free_port(), **FAST)
    async with running_service("materials", tmp_path / "hub", clock=clock, **config) as hub:
        await learn_olympiad(hub, olympiad_created(olympiad_id, "math"))
        assert (await upload(hub, olympiad_id, "tasks")).status_code == 201
        await feed_part(hub, KeySendAudit).stop()  # the journal rows stay as written
        metadata = bearer_metadata(hub.issuer.issue("mirrors", [Role.SERVICE]))
        channel, stub = feed_stub(hub)
        async with channel:
            keys = await keys_at_the_instant(hub, clock, stub, metadata)
            assert len({k.key_released.key for k in keys}) == 1

            assert await journal(hub) == [sorted(MUNICIPALITIES)]  # one transaction

            # opened after the release: it has to note its own send, which fails here
            late = stub.Subscribe(
                pb.SubscribeRequest(municipality_id="omsk", after_sequence=0), metadata=metadata
            )
            with pytest.raises(grpc.aio.AioRpcError) as refusal:
                async for event in late:
                    assert not event.HasField("key_released")
            assert refusal.value.code() == grpc.StatusCode.UNAVAILABLE
        assert await scalar(hub, "SELECT count(*) FROM key_sends") == 1


async def test_when_the_joint_note_fails_each_stream_notes_its_own_send(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(KeySendJournal, "record_many", refused_many)
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    config = hub_settings(tmp_path, free_port(), **FAST)
    async with running_service("materials", tmp_path / "hub", clock=clock, **config) as hub:
        await learn_olympiad(hub, olympiad_created(olympiad_id, "math"))
        assert (await upload(hub, olympiad_id, "tasks")).status_code == 201
        await feed_part(hub, KeySendAudit).stop()
        metadata = bearer_metadata(hub.issuer.issue("mirrors", [Role.SERVICE]))
        channel, stub = feed_stub(hub)
        async with channel:
            keys = await keys_at_the_instant(hub, clock, stub, metadata)
        assert len(keys) == len(MUNICIPALITIES)
        noted = sorted(m for row in await journal(hub) for m in row)
        assert noted == sorted(MUNICIPALITIES)
