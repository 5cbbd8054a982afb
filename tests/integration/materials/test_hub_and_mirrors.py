"""A regional hub and two municipal mirrors in one test: real PostgreSQL, RabbitMQ and TLS gRPC.

Nothing about a key leaves before its instant (§24) — not a response, a log line, or a table of any of
the three services; the ciphertext is everywhere long before; receipts (§25) reach the hub's table.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import logging
import uuid
from collections.abc import Awaitable
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock
from olymp_core.testing.events import eventually
from olymp_core.testing.service import ServiceHarness, running_service
from olymp_materials.domain import KeyConflict
from olymp_materials.feed import handlers as feed_handlers
from olymp_materials.feed import store as feed_store
from olymp_materials.feed.background import MirrorFollower
from olymp_materials.feed.clients import ReleasedKey
from olymp_materials.main import build
from tests.integration.materials.feedkit import (
    feed_part,
    free_port,
    hub_settings,
    mirror_settings,
    start_feed,
    stop_feed,
)
from tests.integration.materials.test_packages_api import (
    BEFORE,
    FAST,
    PASSWORD,
    TASKS_AT,
    TASKS_FILE,
    database_text,
    learn_olympiad,
    olympiad_created,
    scalar,
    secret_forms,
    upload,
)

pytestmark = pytest.mark.integration

MUNICIPALITIES = ["kalachinsk", "tara", "ust-ishim"]


async def mirrored(
    mirror: ServiceHarness, olympiad_id: uuid.UUID, role: Role = Role.OBSERVER
) -> list[dict[str, object]]:
    response = await mirror.client.get(
        f"/olympiads/{olympiad_id}/packages", headers=mirror.auth(role)
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


async def status_of(hub: ServiceHarness, olympiad_id: uuid.UUID) -> dict[str, dict[str, object]]:
    response = await hub.client.get(
        f"/olympiads/{olympiad_id}/packages/status", headers=hub.auth(Role.COORDINATOR)
    )
    assert response.status_code == 200, response.text
    [package] = response.json()["items"]
    return {row["municipality_id"]: row for row in package["municipalities"]}


async def key_status(mirror: ServiceHarness, olympiad_id: uuid.UUID, package_id: str) -> int:
    response = await mirror.client.get(
        f"/olympiads/{olympiad_id}/packages/{package_id}/key",
        headers=mirror.auth(Role.MUNICIPAL_COORDINATOR),
    )
    return response.status_code


async def test_p24_p25_hub_and_two_mirrors_never_early_then_keys_and_receipts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    clock = ManualClock(BEFORE)
    fast_clock = ManualClock(TASKS_AT + dt.timedelta(hours=1))  # a mirror whose clock runs ahead
    olympiad_id = uuid.uuid4()
    hub_config = hub_settings(
        tmp_path, free_port(), municipalities=MUNICIPALITIES, receipt_late_after_min=30, **FAST
    )
    async with running_service("materials", tmp_path / "hub", clock=clock, **hub_config) as hub:
        await learn_olympiad(hub, olympiad_created(olympiad_id, "math"))
        tasks = await upload(hub, olympiad_id, "tasks", password=PASSWORD)
        assert tasks.status_code == 201, tasks.text
        package_id = tasks.json()["package_id"]
        seen: list[httpx.Response] = [tasks]
        async with (
            asyncio.TaskGroup() as reconnected,  # a mirror back online follows the hub in it
            running_service(
                "materials",
                tmp_path / "ust-ishim",
                clock=fast_clock,
                **mirror_settings(hub, "ust-ishim"),
                **FAST,
            ) as ahead,
            running_service(
                "materials", tmp_path / "tara", clock=clock, **mirror_settings(hub, "tara"), **FAST
            ) as tara,
        ):
            # announced at once: both mirrors fetch and verify the ciphertext long before 08:00
            async def fetched_by_both() -> bool:
                rows = await status_of(hub, olympiad_id)
                return bool(rows["ust-ishim"]["ciphertext_fetched"]) and bool(
                    rows["tara"]["ciphertext_fetched"]
                )

            await eventually(fetched_by_both)
            for mirror in (ahead, tara):
                [item] = await mirrored(mirror, olympiad_id)
                assert item["package_id"] == package_id and item["released"] is False
                assert item["sha256"] is None  # before release only the coordinator sees it
                [item] = await mirrored(mirror, olympiad_id, Role.COORDINATOR)
                assert item["sha256"] == tasks.json()["sha256"]
            rows = await status_of(hub, olympiad_id)
            assert rows["kalachinsk"]["ciphertext_fetched"] is False
            assert not any(r["key_delivered"] or r["late"] for r in rows.values())

            # nothing to anyone before the instant, even where the local clock says it has come
            base = f"/olympiads/{olympiad_id}/packages/{package_id}"
            for mirror in (ahead, tara, hub):
                for path, role in (
                    ("/key", Role.MUNICIPAL_COORDINATOR),
                    ("/content", Role.VENUE_COORDINATOR),
                ):
                    refused = await mirror.client.get(base + path, headers=mirror.auth(role))
                    assert refused.status_code == 403, refused.text
                    seen.append(refused)
            early_receipt = await ahead.client.post(
                base + "/receipt",
                json={"complete": True},
                headers=ahead.auth(Role.MUNICIPAL_COORDINATOR),
            )
            assert early_receipt.status_code == 409
            seen.append(early_receipt)
            seen.append(
                await ahead.client.get(
                    f"/olympiads/{olympiad_id}/packages", headers=ahead.auth(Role.OBSERVER)
                )
            )
            # metric names and labels too: what a monitoring system scrapes must not carry it
            seen.extend([await node.client.get("/metrics") for node in (hub, ahead, tara)])
            tables_before = [await database_text(s) for s in (hub, ahead, tara)]
            assert (
                tasks.json()["sha256"] in tables_before[1]
            )  # the dump does reach the mirror's rows

            # tara goes offline before the instant
            await stop_feed(tara)
            logs_before = caplog.text

            clock.set(TASKS_AT)
            await eventually(lambda: _equals(key_status(ahead, olympiad_id, package_id), 200))
            opened = await ahead.client.get(
                base + "/key", headers=ahead.auth(Role.MUNICIPAL_COORDINATOR)
            )
            assert opened.json()["password"] == PASSWORD
            key = base64.b64decode(opened.json()["key_b64"])
            content = await ahead.client.get(
                base + "/content", headers=ahead.auth(Role.VENUE_COORDINATOR, sub="venue-42")
            )
            assert content.status_code == 200 and content.content == TASKS_FILE
            assert (
                await scalar(
                    ahead,
                    "SELECT count(*) FROM audit_log WHERE action = 'package_content_downloaded' "
                    "AND actor = 'venue-42'",
                )
                == 1
            )

            forms = secret_forms(key, PASSWORD)
            for response in seen:
                text = response.content.decode(errors="replace").lower()
                assert not [f for f in forms if f in text], response.text
            assert not [f for f in forms if f in logs_before.lower()]
            for tables in tables_before:
                assert [f for f in forms if f in tables] == []
            # sealed at rest on every node, after the release too
            for svc in (hub, ahead, tara):
                assert [f for f in forms if f in await database_text(svc)] == []
            assert not [f for f in forms if f in caplog.text.lower()]

            # offline at the instant: the key arrives on reconnect
            assert await key_status(tara, olympiad_id, package_id) == 403
            await start_feed(tara, reconnected)
            await eventually(lambda: _equals(key_status(tara, olympiad_id, package_id), 200))

            # §25: receipts with the completeness check, forwarded to the hub
            done = await ahead.client.post(
                base + "/receipt",
                json={"complete": True},
                headers=ahead.auth(Role.MUNICIPAL_COORDINATOR, sub="ust-ishim-coordinator"),
            )
            assert done.status_code == 201, done.text
            short = await tara.client.post(
                base + "/receipt",
                json={"complete": False, "missing": ["бланк ответов, 9 класс"]},
                headers=tara.auth(Role.MUNICIPAL_COORDINATOR, sub="tara-coordinator"),
            )
            assert short.status_code == 201, short.text
            vague = await tara.client.post(
                base + "/receipt",
                json={"complete": False},
                headers=tara.auth(Role.MUNICIPAL_COORDINATOR),
            )
            assert vague.status_code == 422
            assert (
                await tara.client.post(base + "/receipt", json={"complete": True})
            ).status_code == 401
            venue = await tara.client.post(
                base + "/receipt",
                json={"complete": True},
                headers=tara.auth(Role.VENUE_COORDINATOR),
            )
            assert venue.status_code == 403
            other = tara.auth(
                Role.MUNICIPAL_COORDINATOR, scopes={ScopeKind.MUNICIPALITY: ["tara-2"]}
            )
            assert (
                await tara.client.post(base + "/receipt", json={"complete": True}, headers=other)
            ).status_code == 403

            clock.advance(dt.timedelta(minutes=31))
            rows = await status_of(hub, olympiad_id)
            assert rows["ust-ishim"] == rows["ust-ishim"] | {
                "ciphertext_fetched": True,
                "key_delivered": True,
                "receipt_confirmed": True,
                "complete": True,
                "has_problems": False,
                "late": False,
            }
            assert rows["tara"]["key_delivered"] is True
            assert rows["tara"]["has_problems"] is True
            assert rows["tara"]["missing"] == ["бланк ответов, 9 класс"]
            assert rows["kalachinsk"]["late"] is True
            assert rows["kalachinsk"]["receipt_confirmed"] is False
            observer = await hub.client.get(
                f"/olympiads/{olympiad_id}/packages/status",
                headers=hub.auth(Role.VENUE_COORDINATOR),
            )
            assert observer.status_code == 403


async def _equals(value: Awaitable[object], expected: object) -> bool:
    return await value == expected


async def test_p24_moved_instant_hub_down_at_the_instant_and_no_second_key(tmp_path: Path) -> None:
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    slow = {"release_poll_interval_s": 3600.0, "sweep_interval_s": 3600.0}
    hub_config = hub_settings(tmp_path, free_port(), **slow)
    async with running_service("materials", tmp_path / "hub", clock=clock, **hub_config) as hub:
        await learn_olympiad(hub, olympiad_created(olympiad_id, "math"))
        tasks = await upload(hub, olympiad_id, "tasks")
        package_id = tasks.json()["package_id"]
        base = f"/olympiads/{olympiad_id}/packages/{package_id}"
        async with running_service(
            "materials", tmp_path / "tara", clock=clock, **mirror_settings(hub, "tara"), **FAST
        ) as tara:
            await eventually(lambda: _equals(_version(tara, olympiad_id), 1))

            later = TASKS_AT + dt.timedelta(minutes=30)
            moved = await hub.client.patch(
                base, json={"release_at": later.isoformat()}, headers=hub.auth(Role.COORDINATOR)
            )
            assert moved.status_code == 200, moved.text
            assert moved.json()["version"] == 2
            await eventually(lambda: _equals(_version(tara, olympiad_id), 2))
            [item] = await mirrored(tara, olympiad_id)
            assert dt.datetime.fromisoformat(str(item["release_at"])) == later
            assert (
                await scalar(
                    hub, "SELECT count(*) FROM audit_log WHERE action = 'package_rescheduled'"
                )
                == 1
            )
            past = await hub.client.patch(
                base,
                json={"release_at": (BEFORE - dt.timedelta(minutes=1)).isoformat()},
                headers=hub.auth(Role.COORDINATOR),
            )
            assert past.status_code == 409
            assert (
                await tara.client.patch(
                    base,
                    json={"release_at": later.isoformat()},
                    headers=tara.auth(Role.COORDINATOR),
                )
            ).status_code == 409

            # the hub is down across the (moved) instant
            await stop_feed(hub)
            clock.set(TASKS_AT + dt.timedelta(minutes=10))
            assert await key_status(tara, olympiad_id, package_id) == 403  # the old instant
            clock.set(later + dt.timedelta(minutes=5))
            assert await key_status(tara, olympiad_id, package_id) == 403
            assert await scalar(hub, "SELECT count(*) FROM packages WHERE released_at IS NULL") == 1

            restarted = build(hub.service.runtime.settings, clock=clock)
            async with restarted.app.router.lifespan_context(restarted.app):
                # released at once on start-up, by the release timer before mirrors are served
                await eventually(
                    lambda: _equals(
                        scalar(hub, "SELECT released_at FROM packages"),
                        later + dt.timedelta(minutes=5),
                    )
                )
                await eventually(lambda: _equals(key_status(tara, olympiad_id, package_id), 200))

                # never twice, never with another key
                again = await upload(hub, olympiad_id, "tasks", b"another package")
                assert again.status_code == 409
                assert (
                    await hub.client.patch(
                        base,
                        json={"release_at": (later + dt.timedelta(hours=1)).isoformat()},
                        headers=hub.auth(Role.COORDINATOR),
                    )
                ).status_code == 409
                with pytest.raises(sa.exc.IntegrityError):
                    async with hub.uows() as uow:
                        await feed_store.append(
                            uow.session, uuid.UUID(package_id), feed_store.KEY_RELEASED, clock.now()
                        )
                        await uow.commit()
                mirror = feed_part(tara, MirrorFollower).mirror
                with pytest.raises(KeyConflict):
                    async with tara.uows() as uow:
                        await feed_handlers.accept_key(
                            ReleasedKey(package_id=package_id, key=b"k" * 32, password=None),
                            uow,
                            mirror=mirror,
                        )
                assert await key_status(tara, olympiad_id, package_id) == 200


async def _version(mirror: ServiceHarness, olympiad_id: uuid.UUID) -> int | None:
    items = await mirrored(mirror, olympiad_id)
    return int(str(items[0]["version"])) if items else None
