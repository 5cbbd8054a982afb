"""Who had a key and who confirmed a receipt is written down from the token, not from the caller's word."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import grpc
import pytest
import sqlalchemy as sa

from olymp.materials.v1 import materials_pb2 as pb
from olymp.materials.v1 import materials_pb2_grpc as pb_grpc
from olymp_core.auth import Role, ScopeKind, bearer_metadata
from olymp_core.clock import ManualClock
from olymp_core.testing.events import eventually
from olymp_core.testing.service import ServiceHarness, running_service
from olymp_materials.settings import MaterialsSettings
from tests.integration.materials.feedkit import free_port, hub_settings
from tests.integration.materials.test_packages_api import (
    BEFORE,
    FAST,
    PASSWORD,
    TASKS_AT,
    learn_olympiad,
    olympiad_created,
    secret_forms,
    upload,
)

pytestmark = pytest.mark.integration

COORDINATOR = "tara-coordinator"


def feed_stub(hub: ServiceHarness) -> tuple[grpc.aio.Channel, Any]:
    settings = hub.service.runtime.settings
    assert isinstance(settings, MaterialsSettings) and settings.tls_cert_file is not None
    channel = grpc.aio.secure_channel(
        f"127.0.0.1:{settings.feed_port}",
        grpc.ssl_channel_credentials(settings.tls_cert_file.read_bytes()),
        options=[("grpc.ssl_target_name_override", "localhost")],
    )
    return channel, pb_grpc.MaterialsFeedServiceStub(channel)


def coordinator_token(hub: ServiceHarness) -> tuple[tuple[str, str], ...]:
    token = hub.issuer.issue(
        COORDINATOR, [Role.MUNICIPAL_COORDINATOR], {ScopeKind.MUNICIPALITY: ["tara"]}
    )
    return bearer_metadata(token)


async def audit_rows(hub: ServiceHarness, action: str) -> list[dict[str, Any]]:
    async with hub.uows() as uow:
        rows = await uow.session.execute(
            sa.text("SELECT actor, object_id, payload FROM audit_log WHERE action = :action"),
            {"action": action},
        )
        return [dict(row._mapping) for row in rows]


async def test_p24_key_sent_on_a_stream_is_audited_without_acknowledgement(
    tmp_path: Path,
) -> None:
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    config = hub_settings(tmp_path, free_port(), municipalities=["tara"], **FAST)
    async with running_service("materials", tmp_path / "hub", clock=clock, **config) as hub:
        await learn_olympiad(hub, olympiad_created(olympiad_id, "math"))
        tasks = await upload(hub, olympiad_id, "tasks", password=PASSWORD)
        assert tasks.status_code == 201, tasks.text
        package_id = tasks.json()["package_id"]
        clock.set(TASKS_AT)

        channel, stub = feed_stub(hub)
        async with channel:
            call = stub.Subscribe(
                pb.SubscribeRequest(municipality_id="tara", after_sequence=0),
                metadata=coordinator_token(hub),
            )

            async def first_key() -> pb.FeedEvent:
                async for event in call:
                    if event.HasField("key_released"):
                        found: pb.FeedEvent = event
                        return found
                raise AssertionError("the stream ended without a key")

            key_event = await asyncio.wait_for(first_key(), timeout=15)
            call.cancel()  # the caller walks away with the key and never acknowledges

        async def audited() -> bool:
            return bool(await audit_rows(hub, "package_key_sent"))

        await eventually(audited)
        [sent] = await audit_rows(hub, "package_key_sent")
        assert sent["actor"] == COORDINATOR
        assert sent["object_id"] == package_id
        assert sent["payload"] == {
            "municipality_id": "tara",
            "sequence": key_event.sequence,
            "sent_at": TASKS_AT.isoformat(),
        }
        assert await audit_rows(hub, "package_key_delivered") == []
        audit_text = json.dumps(await audit_rows(hub, "package_key_sent")).lower()
        forms = secret_forms(key_event.key_released.key, PASSWORD)
        assert [form for form in forms if form in audit_text] == []


async def test_p25_receipt_is_audited_under_the_token_not_the_typed_name(tmp_path: Path) -> None:
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    config = hub_settings(tmp_path, free_port(), municipalities=["tara"], **FAST)
    async with running_service("materials", tmp_path / "hub", clock=clock, **config) as hub:
        await learn_olympiad(hub, olympiad_created(olympiad_id, "math"))
        tasks = await upload(hub, olympiad_id, "tasks", password=PASSWORD)
        package_id = tasks.json()["package_id"]
        clock.set(TASKS_AT + dt.timedelta(minutes=5))

        channel, stub = feed_stub(hub)
        async with channel:
            await stub.ReportReceipt(
                pb.ReportReceiptRequest(
                    municipality_id="tara",
                    package_id=package_id,
                    complete=True,
                    confirmed_by="region-coordinator",
                ),
                metadata=coordinator_token(hub),
            )

        [receipt] = await audit_rows(hub, "package_receipt_confirmed")
        assert receipt["actor"] == COORDINATOR
        assert receipt["payload"]["confirmed_by"] == "region-coordinator"
