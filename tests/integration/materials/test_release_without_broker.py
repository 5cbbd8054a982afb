"""M5: a hub releases keys at the instant with only PostgreSQL up.

Before, start-up waited for the object store and the broker before anything else ran, so a hub
restarted while RabbitMQ or S3 was down released nothing, though releasing needs neither. Now the
broker connection (with the outbox relay and the consumers) and the store's readiness are retried in
the background; readiness reports them missing meanwhile, and the release event waits in the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from olymp.materials.v1 import materials_pb2 as pb
from olymp_core.auth import Role
from olymp_core.clock import ManualClock
from olymp_core.testing.events import eventually
from olymp_core.testing.service import running_service
from olymp_materials.main import build
from tests.integration.materials.feedkit import free_port, hub_settings, stop_feed
from tests.integration.materials.test_feed_audit import coordinator_token, feed_stub
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


async def test_m5_hub_starts_and_releases_with_broker_and_object_store_unreachable(
    tmp_path: Path,
) -> None:
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    config = hub_settings(tmp_path, free_port(), municipalities=["tara"], **FAST)
    async with running_service("materials", tmp_path / "hub", clock=clock, **config) as hub:
        await learn_olympiad(hub, olympiad_created(olympiad_id, "math"))
        package = await upload(hub, olympiad_id, "tasks")
        assert package.status_code == 201, package.text
        package_id = package.json()["package_id"]
        await stop_feed(hub)

        # restarted while RabbitMQ and S3 do not answer (nothing listens on these ports)
        settings = hub.service.runtime.settings.model_copy(
            update={
                "amqp_url": f"amqp://guest:guest@127.0.0.1:{free_port()}/",
                "storage_url": f"s3://olymp:olymp-secret@127.0.0.1:{free_port()}/olymp-materials",
            }
        )
        cut_off = build(settings, clock=clock)
        async with contextlib.AsyncExitStack() as running:
            async with asyncio.timeout(20):  # start-up waits for neither
                await running.enter_async_context(cut_off.running())
            transport = httpx.ASGITransport(app=cut_off.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
                ready = await client.get("/readyz")
                assert ready.status_code == 503
                assert ready.json()["checks"] == {
                    "database": "ok",
                    "broker": "unavailable",
                    "storage": "unavailable",
                }

                channel, stub = feed_stub(hub)
                async with channel:
                    call = stub.Subscribe(
                        pb.SubscribeRequest(municipality_id="tara", after_sequence=0),
                        metadata=coordinator_token(hub),
                    )
                    clock.set(TASKS_AT)
                    key = await asyncio.wait_for(_first_key(call), 15)
                    assert key.package_id == package_id

                opened = await client.get(
                    f"/olympiads/{olympiad_id}/packages/{package_id}/key",
                    headers=hub.auth(Role.MUNICIPAL_COORDINATOR),
                )
                assert opened.status_code == 200, opened.text
            # the event for other services is in the outbox, for whichever relay reaches the broker
            # (here the first hub's, still running beside this one)
            await eventually(
                lambda: scalar(
                    hub,
                    "SELECT count(*) = 1 FROM outbox "
                    "WHERE routing_key = 'materials.package_released.v1'",
                )
            )


async def _first_key(call: Any) -> pb.KeyReleased:
    try:
        async for event in call:
            if event.HasField("key_released"):
                key: pb.KeyReleased = event.key_released
                return key
    finally:
        call.cancel()
    raise AssertionError("the stream ended without a key")
