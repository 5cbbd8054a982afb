"""The manual queue's gauges against a real database: pages waiting per station subject and the
oldest one's wait, rising as unreadable pages arrive and falling as the officer settles them."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY

from olymp_coding.scans.gauges import measure_manual_queue
from olymp_coding.scans.store import QUEUE_NONE, QUEUE_PENDING, QUEUE_RESOLVED, scanned_pages
from olymp_core.testing.databases import migrated_database

pytestmark = pytest.mark.integration

NOON = dt.datetime(2025, 11, 18, 6, 0, tzinfo=dt.UTC)
OLYMPIAD = uuid.UUID(int=7)


def page(subject: str, queue_state: str, uploaded_at: dt.datetime) -> dict[str, object]:
    page_id = uuid.uuid4()
    return {
        "page_id": page_id,
        "olympiad_id": OLYMPIAD,
        "content_sha256": page_id.hex * 2,
        "kind": "answer",
        "object_key": f"scans/{page_id}",
        "content_type": "image/png",
        "station_subject": subject,
        "source_file": "пакет-кабинет-12.pdf",
        "source_page": 1,
        "orientation": 0,
        "routing_reason": None if queue_state == QUEUE_NONE else "код не прочитан",
        "queue_state": queue_state,
        "uploaded_at": uploaded_at,
        "uploaded_by": "Пономарёва Ирина Олеговна",
        "retain_until": uploaded_at + dt.timedelta(days=365),
        "retention_mode": "none",
    }


def waiting(subject: str) -> float | None:
    return REGISTRY.get_sample_value("olymp_coding_manual_queue_pages", {"subject": subject})


def oldest() -> float | None:
    return REGISTRY.get_sample_value("olymp_coding_manual_queue_oldest_seconds")


async def test_the_manual_queue_gauges_follow_the_pages_waiting() -> None:
    async with migrated_database("coding") as sessions:

        async def measure(now: dt.datetime) -> None:
            async with sessions() as session:
                await measure_manual_queue(session, now)

        await measure(NOON)
        assert oldest() == 0

        first = page("math", QUEUE_PENDING, NOON - dt.timedelta(minutes=10))
        rows = [
            first,
            page("math", QUEUE_PENDING, NOON - dt.timedelta(minutes=5)),
            page("physics", QUEUE_PENDING, NOON - dt.timedelta(minutes=1)),
            page("math", QUEUE_NONE, NOON - dt.timedelta(minutes=20)),  # routed by its label
        ]
        async with sessions() as session, session.begin():
            await session.execute(sa.insert(scanned_pages), rows)
        await measure(NOON)
        assert (waiting("math"), waiting("physics")) == (2, 1)
        assert oldest() == 600

        async with sessions() as session, session.begin():
            await session.execute(
                sa.update(scanned_pages)
                .where(scanned_pages.c.queue_state == QUEUE_PENDING)
                .where(scanned_pages.c.station_subject == "physics")
                .values(queue_state=QUEUE_RESOLVED, resolution="discarded", resolved_at=NOON)
            )
            await session.execute(
                sa.update(scanned_pages)
                .where(scanned_pages.c.page_id == first["page_id"])
                .values(queue_state=QUEUE_RESOLVED, resolution="draft", resolved_at=NOON)
            )
        await measure(NOON + dt.timedelta(minutes=1))
        assert (waiting("math"), waiting("physics")) == (1, 0)
        assert oldest() == 360
