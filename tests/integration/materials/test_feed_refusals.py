"""The L findings on the hub: what it tells before the instant, what it believes from a mirror, what
survives a kill, and what a password archive may cost it.

- `GET /packages` showed the plaintext's SHA-256 and size to observers before the instant (it would
  confirm a leaked file); now only the regional coordinator sees them before release.
- `Acknowledge(sequence=2^62)` was stored as is (recording every later key as delivered), and a
  receipt was taken before release; both are refused now.
- the audit notes of keys sent were held in memory until written: a killed hub lost them. Now each
  is journalled in the database before its key leaves, and chained into the trail after.
- an archive check decompressed everything on the event loop; now in a thread, within a budget.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from pathlib import Path
from typing import Any

import grpc
import pytest
import sqlalchemy as sa

from olymp.materials.v1 import materials_pb2 as pb
from olymp_core.auth import Role
from olymp_core.clock import ManualClock
from olymp_core.grpc import GrpcServer
from olymp_core.testing.events import eventually
from olymp_core.testing.service import running_service
from olymp_materials.domain import archive
from olymp_materials.domain.archive import MIB
from olymp_materials.feed.background import KeySendAudit, ReleaseTimer
from olymp_materials.handlers import packages as package_handlers
from olymp_materials.main import build
from tests.integration.materials.feedkit import feed_part, free_port, hub_settings
from tests.integration.materials.test_feed_audit import audit_rows, coordinator_token, feed_stub
from tests.integration.materials.test_packages_api import (
    BEFORE,
    FAST,
    PASSWORD,
    TASKS_AT,
    learn_olympiad,
    olympiad_created,
    scalar,
    upload,
)
from tests.support.archives import winzip_aes

pytestmark = pytest.mark.integration


async def test_l_only_the_regional_coordinator_sees_a_packages_digest_before_release(
    tmp_path: Path,
) -> None:
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    async with running_service("materials", tmp_path, clock=clock, **FAST) as svc:
        await learn_olympiad(svc, olympiad_created(olympiad_id, "math"))
        uploaded = (await upload(svc, olympiad_id, "tasks")).json()

        async def listed(role: Role) -> dict[str, Any]:
            response = await svc.client.get(
                f"/olympiads/{olympiad_id}/packages", headers=svc.auth(role)
            )
            assert response.status_code == 200, response.text
            [item] = response.json()["items"]
            return dict(item)

        for role in (Role.OBSERVER, Role.MUNICIPAL_COORDINATOR, Role.VENUE_COORDINATOR):
            item = await listed(role)
            assert (item["sha256"], item["size"]) == (None, None)
            assert item["release_at"] and item["package_id"] == uploaded["package_id"]
        item = await listed(Role.COORDINATOR)
        assert (item["sha256"], item["size"]) == (uploaded["sha256"], uploaded["size"])

        clock.set(TASKS_AT)
        await eventually(lambda: _released(svc, olympiad_id))
        item = await listed(Role.OBSERVER)
        assert (item["sha256"], item["size"]) == (uploaded["sha256"], uploaded["size"])


async def test_l_acknowledgements_beyond_what_was_sent_and_early_receipts_are_refused(
    tmp_path: Path,
) -> None:
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    config = hub_settings(tmp_path, free_port(), municipalities=["tara"], **FAST)
    async with running_service("materials", tmp_path / "hub", clock=clock, **config) as hub:
        await learn_olympiad(hub, olympiad_created(olympiad_id, "math"))
        package_id = (await upload(hub, olympiad_id, "tasks")).json()["package_id"]
        metadata = coordinator_token(hub)
        channel, stub = feed_stub(hub)
        async with channel:
            # nothing sent yet to this municipality: nothing to acknowledge
            with pytest.raises(grpc.aio.AioRpcError) as early_ack:
                await stub.Acknowledge(
                    pb.AcknowledgeRequest(municipality_id="tara", sequence=1), metadata=metadata
                )
            assert early_ack.value.code() == grpc.StatusCode.INVALID_ARGUMENT

            call = stub.Subscribe(
                pb.SubscribeRequest(municipality_id="tara", after_sequence=0), metadata=metadata
            )
            announced = await asyncio.wait_for(call.read(), 15)
            assert announced.HasField("package_announced")
            await stub.Acknowledge(
                pb.AcknowledgeRequest(municipality_id="tara", sequence=announced.sequence),
                metadata=metadata,
            )
            with pytest.raises(grpc.aio.AioRpcError) as beyond:
                await stub.Acknowledge(
                    pb.AcknowledgeRequest(municipality_id="tara", sequence=2**62),
                    metadata=metadata,
                )
            assert beyond.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert "только до" in (beyond.value.details() or "")
            acked = "SELECT acked_sequence FROM cursors WHERE municipality_id = 'tara'"
            assert await scalar(hub, acked) == announced.sequence

            receipt = pb.ReportReceiptRequest(
                municipality_id="tara", package_id=package_id, complete=True, confirmed_by="x"
            )
            with pytest.raises(grpc.aio.AioRpcError) as before_release:
                await stub.ReportReceipt(receipt, metadata=metadata)
            assert before_release.value.code() == grpc.StatusCode.FAILED_PRECONDITION
            assert "ещё не раскрыт" in (before_release.value.details() or "")
            assert await audit_rows(hub, "package_receipt_confirmed") == []

            clock.set(TASKS_AT)
            key = await asyncio.wait_for(call.read(), 15)
            assert key.HasField("key_released")
            await stub.Acknowledge(
                pb.AcknowledgeRequest(municipality_id="tara", sequence=key.sequence),
                metadata=metadata,
            )
            await stub.ReportReceipt(receipt, metadata=metadata)
            call.cancel()
        assert len(await audit_rows(hub, "package_receipt_confirmed")) == 1
        assert len(await audit_rows(hub, "package_key_delivered")) == 1


async def test_l_a_key_sent_is_in_the_trail_even_when_the_hub_is_killed_after_sending(
    tmp_path: Path,
) -> None:
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    config = hub_settings(tmp_path, free_port(), municipalities=["tara"], **FAST)
    async with running_service("materials", tmp_path / "hub", clock=clock, **config) as hub:
        await learn_olympiad(hub, olympiad_created(olympiad_id, "math"))
        package_id = (await upload(hub, olympiad_id, "tasks")).json()["package_id"]
        # the audit writer is gone, as in a hub killed before it wrote what it had noted
        await feed_part(hub, KeySendAudit).stop()

        channel, stub = feed_stub(hub)
        async with channel:
            call = stub.Subscribe(
                pb.SubscribeRequest(municipality_id="tara", after_sequence=0),
                metadata=coordinator_token(hub),
            )
            clock.set(TASKS_AT)
            async for event in call:
                if event.HasField("key_released"):
                    break
            call.cancel()
        # the key is with the caller: what is on disk now is all a killed hub leaves behind
        assert await scalar(hub, "SELECT count(*) FROM key_sends") == 1
        await feed_part(hub, GrpcServer).stop()
        await feed_part(hub, ReleaseTimer).stop()

        restarted = build(hub.service.runtime.settings, clock=clock)
        async with restarted.app.router.lifespan_context(restarted.app):

            async def in_the_trail() -> bool:
                return bool(await audit_rows(hub, "package_key_sent"))

            await eventually(in_the_trail)
        [sent] = await audit_rows(hub, "package_key_sent")
        assert sent["object_id"] == package_id
        assert sent["payload"]["municipality_id"] == "tara"
        assert sent["payload"]["sent_at"] == TASKS_AT.isoformat()
        assert await scalar(hub, "SELECT count(*) FROM key_sends") == 0


async def test_l_a_zip_bomb_is_refused_at_push_and_checked_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    olympiad_id = uuid.uuid4()
    checked_on: list[threading.Thread] = []
    check = archive.check_archive

    def recording(*args: Any) -> list[str]:
        checked_on.append(threading.current_thread())
        return check(*args)

    monkeypatch.setattr(package_handlers, "check_archive", recording)
    config = {"archive_max_unpacked_mb": 4, **FAST}
    async with running_service("materials", tmp_path, clock=ManualClock(BEFORE), **config) as svc:
        await learn_olympiad(svc, olympiad_created(olympiad_id, "math"))
        bomb = winzip_aes(PASSWORD, {"задания.pdf": bytes(24 * MIB)})
        refused = await upload(svc, olympiad_id, "tasks", bomb, password=PASSWORD)
        assert refused.status_code == 422
        assert refused.json()["type"].endswith("package-archive-too-large")
        assert "zip-бомб" in refused.json()["detail"] and "4 МБ" in refused.json()["detail"]
        assert await scalar(svc, "SELECT count(*) FROM packages") == 0
        accepted = await upload(svc, olympiad_id, "tasks", password=PASSWORD)
        assert accepted.status_code == 201, accepted.text
        assert checked_on and threading.main_thread() not in checked_on


async def _released(svc: Any, olympiad_id: uuid.UUID) -> bool:
    async with svc.uows() as uow:
        result = await uow.session.execute(
            sa.text("SELECT count(*) = 1 FROM packages WHERE released_at IS NOT NULL")
        )
        return bool(result.scalar_one())
