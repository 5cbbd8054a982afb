"""The hub's gauges of the day against a real database: keys not acknowledged a minute after the
instant, receipts not confirmed within half an hour of the release (§25)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY

from olymp_core.testing.databases import migrated_database
from olymp_materials.feed import store as feed_store
from olymp_materials.feed.gauges import hub_gauges
from olymp_materials.store import packages

pytestmark = pytest.mark.integration

INSTANT = dt.datetime(2025, 11, 18, 2, 0, tzinfo=dt.UTC)  # 08:00 in Omsk
EXPECTED = ["bolsherechensky", "tarsky"]


def value(name: str, subject: str) -> float:
    """The series' value; one never shown reads 0 like one that fell back to 0 (the registry is
    the process's: a test before this one may have shown a subject of the same name)."""
    return REGISTRY.get_sample_value(name, {"subject": subject}) or 0.0


def package(
    package_id: uuid.UUID, subject: str, release_at: dt.datetime, released: bool
) -> dict[str, object]:
    return {
        "package_id": package_id,
        "olympiad_id": uuid.UUID(int=1),
        "subject_code": subject,
        "kind": "tasks",
        "release_at": release_at,
        "released_at": release_at if released else None,
        "object_key": f"packages/{uuid.uuid4()}",
        "sha256": "0" * 64,
        "size": 1024,
        "uploaded_by": "Ковалёва-Щербакова Алёна Викторовна",
        "uploaded_at": release_at - dt.timedelta(days=2),
    }


async def test_keys_undelivered_and_receipts_late_follow_the_mirrors() -> None:
    gauges = hub_gauges(
        EXPECTED,
        key_late_after=dt.timedelta(seconds=60),
        receipt_late_after=dt.timedelta(minutes=30),
    )

    async with migrated_database("materials") as sessions:

        async def measure(now: dt.datetime) -> None:
            async with sessions() as session:
                for gauge in gauges:
                    await gauge.measure(session, now)

        math_id = uuid.uuid4()
        math = package(math_id, "math", INSTANT, released=True)
        # the hub was down at physics' instant: released by nobody, delivered to nobody
        physics = package(uuid.uuid4(), "physics", INSTANT, released=False)
        later = package(uuid.uuid4(), "chemistry", INSTANT + dt.timedelta(hours=3), released=False)
        async with sessions() as session, session.begin():
            await session.execute(sa.insert(packages), [math, physics, later])
            # a mirror that subscribed without being among the expected ones counts too
            await feed_store.save_cursor(session, "muromtsevsky", 0, INSTANT)

        await measure(INSTANT + dt.timedelta(seconds=30))
        assert value("olymp_materials_keys_undelivered", "math") == 0  # within the minute

        await measure(INSTANT + dt.timedelta(seconds=61))
        assert value("olymp_materials_keys_undelivered", "math") == 3
        assert value("olymp_materials_keys_undelivered", "physics") == 3
        assert value("olymp_materials_keys_undelivered", "chemistry") == 0

        async with sessions() as session, session.begin():
            sequence = await feed_store.append(session, math_id, feed_store.KEY_RELEASED, INSTANT)
            for municipality in ("tarsky", "muromtsevsky"):
                await feed_store.record_keys_delivered(
                    session, municipality, sequence, INSTANT + dt.timedelta(seconds=70)
                )
        await measure(INSTANT + dt.timedelta(seconds=75))
        assert value("olymp_materials_keys_undelivered", "math") == 1
        assert value("olymp_materials_receipts_late", "math") == 0

        await measure(INSTANT + dt.timedelta(minutes=31))
        # physics was never released: no receipt is due for it yet, only its key is missing
        assert value("olymp_materials_receipts_late", "math") == 3
        assert value("olymp_materials_receipts_late", "physics") == 0

        async with sessions() as session, session.begin():
            await feed_store.record_receipt(
                session,
                "tarsky",
                math_id,
                complete=True,
                missing=[],
                problems=None,
                confirmed_by="Ёлкина Дарья Сергеевна",
                at=INSTANT + dt.timedelta(minutes=32),
            )
        await measure(INSTANT + dt.timedelta(minutes=33))
        assert value("olymp_materials_receipts_late", "math") == 2

        # the next day yesterday's round pages nobody: the series fall to 0
        await measure(INSTANT + dt.timedelta(days=1, minutes=1))
        assert value("olymp_materials_keys_undelivered", "math") == 0
        assert value("olymp_materials_keys_undelivered", "physics") == 0
        assert value("olymp_materials_receipts_late", "math") == 0
