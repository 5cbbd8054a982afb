"""H2: two simultaneous first uploads of one package, and a package row whose key cannot be opened.

Before the fix both uploads were answered 201 with different package ids; the row kept the first
id with the second upload's sealed key and no manifest, so at the instant the broadcaster could not
unseal it, `refresh()` raised on every pass, and no later key for any subject was ever streamed.
Now concurrent uploads of one package are serialised (the later one becomes the next version, as if
the coordinator had uploaded twice), and a row that cannot be opened is quarantined and reported:
the feed goes on with every other package.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from olymp.materials.v1 import materials_pb2 as pb
from olymp_core.auth import Role
from olymp_core.clock import ManualClock
from olymp_core.testing.events import eventually
from olymp_core.testing.service import ServiceHarness, running_service
from olymp_materials.domain import Manifest, decrypt_package, seal_key
from olymp_materials.main import build
from tests.integration.materials.feedkit import free_port, hub_settings, stop_feed
from tests.integration.materials.test_feed_audit import coordinator_token, feed_stub
from tests.integration.materials.test_packages_api import (
    BEFORE,
    CRITERIA_AT,
    FAST,
    TASKS_AT,
    learn_olympiad,
    olympiad_created,
    scalar,
    upload,
)

pytestmark = pytest.mark.integration


async def test_h2_simultaneous_first_uploads_become_two_versions_of_one_package(
    tmp_path: Path,
) -> None:
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    async with running_service("materials", tmp_path, clock=clock, **FAST) as svc:
        await learn_olympiad(svc, olympiad_created(olympiad_id, "math"))
        contents = [b"tasks, first click " * 100, b"tasks, second click " * 100]
        answers = await asyncio.gather(*(upload(svc, olympiad_id, "tasks", c) for c in contents))

        # both accepted, as two uploads one after the other would be: one package, two versions
        assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
        bodies = [a.json() for a in answers]
        assert len({b["package_id"] for b in bodies}) == 1
        assert sorted(b["version"] for b in bodies) == [1, 2]
        last = max(bodies, key=lambda b: b["version"])
        package_id = uuid.UUID(last["package_id"])
        assert await scalar(svc, "SELECT count(*) FROM packages") == 1
        row = await _row(svc, package_id)
        assert row["manifest"] is not None and row["version"] == 2
        manifest = Manifest.parse(row["manifest"])
        assert manifest.package_id == package_id and manifest.version == 2
        assert manifest.content_sha256 == last["sha256"]
        actions = await _actions(svc)
        assert sorted(actions) == ["package_reannounced", "package_uploaded"]

        clock.set(TASKS_AT)
        opened = await svc.client.get(
            f"/olympiads/{olympiad_id}/packages/{package_id}/content",
            headers=svc.auth(Role.COORDINATOR),
        )
        assert opened.status_code == 200, opened.text
        assert hashlib.sha256(opened.content).hexdigest() == last["sha256"]


async def test_h2_a_package_whose_key_cannot_be_opened_is_quarantined_not_blocking_the_feed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The state the race left behind (the first id, another upload's sealed key), made directly:
    its key is held back and reported, and every other key still reaches the mirrors."""
    caplog.set_level(logging.WARNING)
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    config = hub_settings(tmp_path, free_port(), municipalities=["tara"], **FAST)
    async with running_service("materials", tmp_path / "hub", clock=clock, **config) as hub:
        await learn_olympiad(hub, olympiad_created(olympiad_id, "math", "physics"))
        damaged = await upload(hub, olympiad_id, "tasks")
        sound = await upload(hub, olympiad_id, "tasks", b"physics tasks", subject="physics")
        later = await upload(hub, olympiad_id, "criteria", b"physics criteria", subject="physics")
        for response in (damaged, sound, later):
            assert response.status_code == 201, response.text
        damaged_id = uuid.UUID(damaged.json()["package_id"])
        # the key of another upload, sealed for another package id, on this row
        master_key = hub.service.runtime.settings.master_key_bytes()
        foreign = seal_key(master_key, uuid.uuid4(), b"k" * 32)
        async with hub.uows() as uow:
            await uow.session.execute(
                sa.text("UPDATE packages SET sealed_key = :key WHERE package_id = :id"),
                {"key": foreign, "id": damaged_id},
            )
            await uow.commit()

        # reported before the instant already, so the coordinator can upload it again in time
        [early] = [p for p in await _status(hub, olympiad_id) if p["package_id"] == str(damaged_id)]
        assert early["quarantined"] is True
        assert "не принадлежит этому пакету" in early["quarantine_reason"]

        channel, stub = feed_stub(hub)
        async with channel:
            call = stub.Subscribe(
                pb.SubscribeRequest(municipality_id="tara", after_sequence=0),
                metadata=coordinator_token(hub),
            )
            keys: dict[str, bytes] = {}

            async def collect() -> None:
                async for event in call:
                    if event.HasField("key_released"):
                        keys[event.key_released.package_id] = event.key_released.key

            reader = asyncio.create_task(collect())
            clock.set(TASKS_AT)
            await eventually(lambda: _has(keys, sound.json()["package_id"]))
            clock.set(CRITERIA_AT)
            # a key released after the damaged one's still goes out (before: never, for anything)
            await eventually(lambda: _has(keys, later.json()["package_id"]))
            call.cancel()
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
        assert str(damaged_id) not in keys
        stored = await hub.service.runtime.objects.get(
            await scalar(
                hub,
                "SELECT object_key FROM packages WHERE package_id = :id",
                id=uuid.UUID(sound.json()["package_id"]),
            )
        )
        assert decrypt_package(
            keys[sound.json()["package_id"]], uuid.UUID(sound.json()["package_id"]), stored
        )

        # the key route says what is wrong: not the master key, this package's row
        refused = await hub.client.get(
            f"/olympiads/{olympiad_id}/packages/{damaged_id}/key",
            headers=hub.auth(Role.COORDINATOR),
        )
        assert refused.status_code == 500
        assert refused.json()["type"].endswith("package-key-foreign")
        detail = refused.json()["detail"]
        assert "не принадлежит этому пакету" in detail
        assert "мастер-ключ верен" in detail.lower()
        assert "OLYMP_MATERIALS_MASTER_KEY" not in detail

        # reported: the status, a log line, a metric; and the feed itself does not fail
        [status] = [
            p for p in await _status(hub, olympiad_id) if p["package_id"] == str(damaged_id)
        ]
        assert status["quarantined"] is True
        assert "package quarantined" in caplog.text
        assert "release timer failed" not in caplog.text
        assert "background step failed" not in caplog.text
        metrics = (await hub.client.get("/metrics")).text
        assert "olymp_materials_quarantined_packages 1.0" in metrics

        # across a restart too: the first refresh of a new hub skips it and serves the rest
        await stop_feed(hub)
        restarted = build(hub.service.runtime.settings, clock=clock)
        async with restarted.app.router.lifespan_context(restarted.app):
            channel, stub = feed_stub(hub)
            async with channel:
                call = stub.Subscribe(
                    pb.SubscribeRequest(municipality_id="tara", after_sequence=0),
                    metadata=coordinator_token(hub),
                )
                got = await asyncio.wait_for(_keys_until(call, later.json()["package_id"]), 15)
            assert str(damaged_id) not in got


async def test_h2_a_key_sealed_under_another_master_key_says_so(tmp_path: Path) -> None:
    clock = ManualClock(TASKS_AT)
    olympiad_id = uuid.uuid4()
    async with running_service("materials", tmp_path, clock=clock, **FAST) as svc:
        await learn_olympiad(svc, olympiad_created(olympiad_id, "math"))
        package = await upload(svc, olympiad_id, "tasks")
        package_id = package.json()["package_id"]
        other = SecretStr(base64.b64encode(b"m" * 32).decode())
        settings = svc.service.runtime.settings.model_copy(update={"master_key": other})
        wrong = build(settings, clock=clock)
        async with wrong.running():
            transport = httpx.ASGITransport(app=wrong.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                refused = await client.get(
                    f"/olympiads/{olympiad_id}/packages/{package_id}/key",
                    headers=svc.auth(Role.COORDINATOR),
                )
        assert refused.status_code == 500
        assert "OLYMP_MATERIALS_MASTER_KEY" in refused.json()["detail"]
        assert "другим мастер-ключом" in refused.json()["detail"]


async def _keys_until(call: Any, package_id: str) -> set[str]:
    seen: set[str] = set()
    try:
        async for event in call:
            if event.HasField("key_released"):
                seen.add(event.key_released.package_id)
                if event.key_released.package_id == package_id:
                    return seen
    finally:
        call.cancel()
    raise AssertionError("the stream ended")


async def _has(keys: dict[str, bytes], package_id: str) -> bool:
    return package_id in keys


async def _row(svc: ServiceHarness, package_id: uuid.UUID) -> dict[str, Any]:
    async with svc.uows() as uow:
        result = await uow.session.execute(
            sa.text("SELECT * FROM packages WHERE package_id = :id"), {"id": package_id}
        )
        return dict(result.one()._mapping)


async def _actions(svc: ServiceHarness) -> list[str]:
    async with svc.uows() as uow:
        result = await uow.session.execute(
            sa.text("SELECT action FROM audit_log WHERE object_type = 'package'")
        )
        return list(result.scalars())


async def _status(hub: ServiceHarness, olympiad_id: uuid.UUID) -> list[dict[str, Any]]:
    response = await hub.client.get(
        f"/olympiads/{olympiad_id}/packages/status", headers=hub.auth(Role.COORDINATOR)
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_h2_the_same_file_uploaded_again_repairs_a_quarantined_package(
    tmp_path: Path,
) -> None:
    """What the readiness table tells the coordinator to do — upload the package again — seals
    it anew, although the bytes, instant and password are those of the stored upload."""
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    config = hub_settings(tmp_path, free_port(), municipalities=["tara"], **FAST)
    async with running_service("materials", tmp_path / "hub", clock=clock, **config) as hub:
        await learn_olympiad(hub, olympiad_created(olympiad_id, "math"))
        first = await upload(hub, olympiad_id, "tasks")
        assert first.status_code == 201, first.text
        package_id = uuid.UUID(first.json()["package_id"])
        master_key = hub.service.runtime.settings.master_key_bytes()
        async with hub.uows() as uow:
            await uow.session.execute(
                sa.text("UPDATE packages SET sealed_key = :key WHERE package_id = :id"),
                {"key": seal_key(master_key, uuid.uuid4(), b"k" * 32), "id": package_id},
            )
            await uow.commit()

        again = await upload(hub, olympiad_id, "tasks")

        assert again.status_code == 201, again.text
        assert again.json()["version"] == 2
        [status] = [
            p for p in await _status(hub, olympiad_id) if p["package_id"] == str(package_id)
        ]
        assert status["quarantined"] is False
