"""H3: the hub streams a package's ciphertext in chunks to a bounded number of mirrors at once, and
a mirror that cannot fetch a package reports it and follows the feed on.

Before, each fetch loaded the whole ciphertext and sent it as one message, with no cap on fetches at
once: a 20 MB package times 3,000 mirrors exhausted the hub's memory, and a package over the message
limit made every mirror fail at the same feed position and reconnect to it forever.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from olymp.materials.v1 import materials_pb2 as pb
from olymp_core.auth import Role
from olymp_core.clock import ManualClock
from olymp_core.storage import StorageError
from olymp_core.storage.base import CHUNK_SIZE
from olymp_core.testing.events import eventually
from olymp_core.testing.service import ServiceHarness, running_service
from olymp_materials.feed.clients import MAX_MESSAGE
from olymp_materials.feed.grpc_api import FETCH_CHUNK
from tests.integration.materials.feedkit import free_port, hub_settings, mirror_settings
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


class GatedStreams:
    """The hub's object store streams only once the gate opens, counting streams at once."""

    def __init__(self, svc: ServiceHarness) -> None:
        self.objects = svc.service.runtime.objects
        self._stream = self.objects.stream
        self.gate = asyncio.Event()
        self.active = 0
        self.peak = 0
        self.objects.stream = self.stream  # type: ignore[method-assign]

    async def stream(self, key: str, chunk_size: int = CHUNK_SIZE) -> AsyncIterator[bytes]:
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            await self.gate.wait()
            async for chunk in self._stream(key, chunk_size):
                yield chunk
        finally:
            self.active -= 1


async def fetch_all(stub: Any, hub: ServiceHarness, package_id: str) -> list[bytes]:
    call = stub.FetchPackage(
        pb.FetchPackageRequest(municipality_id="tara", package_id=package_id),
        metadata=coordinator_token(hub),
    )
    return [chunk.data async for chunk in call]


async def test_h3_fetches_are_streamed_in_chunks_and_bounded_at_once(tmp_path: Path) -> None:
    olympiad_id = uuid.uuid4()
    config = hub_settings(tmp_path, free_port(), feed_max_fetches=2, **FAST)
    clock = ManualClock(BEFORE)
    async with running_service("materials", tmp_path / "hub", clock=clock, **config) as hub:
        await learn_olympiad(hub, olympiad_created(olympiad_id, "math"))
        content = os.urandom(3 * FETCH_CHUNK + 12_345)
        package = await upload(hub, olympiad_id, "tasks", content)
        assert package.status_code == 201, package.text
        package_id = package.json()["package_id"]
        object_key = await scalar(hub, "SELECT object_key FROM packages")
        ciphertext = await hub.service.runtime.objects.get(object_key)

        gated = GatedStreams(hub)
        channel, stub = feed_stub(hub)
        async with channel:
            fetches = [asyncio.create_task(fetch_all(stub, hub, package_id)) for _ in range(5)]
            await eventually(lambda: _equals(gated.active, 2))
            # two stream, three wait for a slot (none of them holds the package in memory)
            assert not any(f.done() for f in fetches)
            gated.gate.set()
            results = await asyncio.gather(*fetches)
        assert gated.peak == 2
        for chunks in results:
            assert b"".join(chunks) == ciphertext
            assert len(chunks) == 4 and max(len(c) for c in chunks) <= FETCH_CHUNK
        assert (
            await scalar(
                hub, "SELECT fetched_at IS NOT NULL FROM deliveries WHERE municipality_id = 'tara'"
            )
            is True
        )


async def test_h3_a_package_larger_than_the_mirrors_message_limit_reaches_the_mirror(
    tmp_path: Path,
) -> None:
    olympiad_id = uuid.uuid4()
    clock = ManualClock(BEFORE)
    config = hub_settings(tmp_path, free_port(), municipalities=["tara"], **FAST)
    async with running_service("materials", tmp_path / "hub", clock=clock, **config) as hub:
        await learn_olympiad(hub, olympiad_created(olympiad_id, "math"))
        content = os.urandom(MAX_MESSAGE + FETCH_CHUNK)  # one message could not carry it
        package = await upload(hub, olympiad_id, "tasks", content)
        package_id = package.json()["package_id"]
        async with running_service(
            "materials", tmp_path / "tara", clock=clock, **mirror_settings(hub, "tara"), **FAST
        ) as tara:
            await eventually(lambda: _fetched(hub, olympiad_id, package_id, "tara"))
            clock.set(TASKS_AT)
            base = f"/olympiads/{olympiad_id}/packages/{package_id}"

            async def opened() -> bool:
                response = await tara.client.get(
                    base + "/content", headers=tara.auth(Role.MUNICIPAL_COORDINATOR)
                )
                return response.status_code == 200 and response.content == content

            await eventually(opened)


async def test_h3_a_mirror_reports_a_package_it_cannot_fetch_and_follows_the_feed_on(
    tmp_path: Path,
) -> None:
    olympiad_id = uuid.uuid4()
    clock = ManualClock(BEFORE)
    config = hub_settings(tmp_path, free_port(), municipalities=["tara"], **FAST)
    async with running_service("materials", tmp_path / "hub", clock=clock, **config) as hub:
        await learn_olympiad(hub, olympiad_created(olympiad_id, "math", "physics", "chemistry"))
        lost = (await upload(hub, olympiad_id, "tasks")).json()["package_id"]
        flaky = (await upload(hub, olympiad_id, "tasks", b"chem", subject="chemistry")).json()
        sound = (await upload(hub, olympiad_id, "tasks", b"phys", subject="physics")).json()
        objects = hub.service.runtime.objects
        # one ciphertext is gone from the hub's store (no retry finds it); another's store fails
        await objects.delete(await _object_key(hub, lost))
        failing = await _object_key(hub, flaky["package_id"])
        stat = objects.stat

        async def failing_stat(key: str) -> Any:
            if key == failing:
                raise StorageError("the store does not answer")
            return await stat(key)

        objects.stat = failing_stat  # type: ignore[method-assign]

        async with running_service(
            "materials",
            tmp_path / "tara",
            clock=clock,
            **mirror_settings(hub, "tara"),
            fetch_attempts=2,
            **FAST,
        ) as tara:
            await eventually(lambda: _fetched(hub, olympiad_id, sound["package_id"], "tara"))
            clock.set(TASKS_AT)
            base = f"/olympiads/{olympiad_id}/packages/{sound['package_id']}"

            async def key_arrived() -> bool:
                response = await tara.client.get(
                    base + "/key", headers=tara.auth(Role.MUNICIPAL_COORDINATOR)
                )
                return response.status_code == 200

            await eventually(key_arrived)
            # reported on the mirror (log, audit) and visible on the hub as not fetched
            reasons = await _refusals(tara)
            assert any(lost in r and "не получен от регионального узла" in r for r in reasons)
            assert any(flaky["package_id"] in r and "UNAVAILABLE" in r for r in reasons)
            for package_id in (lost, flaky["package_id"]):
                assert not await _fetched(hub, olympiad_id, package_id, "tara")
            listed = await tara.client.get(
                f"/olympiads/{olympiad_id}/packages", headers=tara.auth(Role.COORDINATOR)
            )
            assert [i["package_id"] for i in listed.json()["items"]] == [sound["package_id"]]


async def _object_key(svc: ServiceHarness, package_id: str) -> str:
    key: str = await scalar(
        svc, "SELECT object_key FROM packages WHERE package_id = :id", id=uuid.UUID(package_id)
    )
    return key


async def _refusals(svc: ServiceHarness) -> list[str]:
    async with svc.uows() as uow:
        rows = await uow.session.execute(
            sa.text("SELECT payload->>'reason' FROM audit_log WHERE action = 'hub_event_refused'")
        )
        return [str(r) for r in rows.scalars()]


async def _fetched(
    hub: ServiceHarness, olympiad_id: uuid.UUID, package_id: str, municipality: str
) -> bool:
    response = await hub.client.get(
        f"/olympiads/{olympiad_id}/packages/status", headers=hub.auth(Role.COORDINATOR)
    )
    assert response.status_code == 200, response.text
    [package] = [p for p in response.json()["items"] if p["package_id"] == package_id]
    [row] = [m for m in package["municipalities"] if m["municipality_id"] == municipality]
    return bool(row["ciphertext_fetched"])


async def _equals(value: object, expected: object) -> bool:
    return value == expected
