"""§24, §60, §91 on a municipal mirror: the criteria package and its key come from the regional hub's
feed, but when the subject's last round ends comes from the municipality's own registration, on
the municipality's own broker. A participant gets the criteria after that end, not after the one
the hub's registration named, is told when before it, and a later round moves it — whether the
events reach the mirror before or after the feed brought the package.

Real PostgreSQL, RabbitMQ (the hub on the tests' virtual host, the mirror on one of its own) and
TLS gRPC between the hub and the mirror.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from olymp_core.auth import Role
from olymp_core.clock import ManualClock
from olymp_core.contracts.registration import (
    OlympiadCreated,
    ScheduledRound,
    ScheduledSubject,
    SubjectScheduleChanged,
)
from olymp_core.events import Event
from olymp_core.testing.databases import TEST_VHOST, amqp_url_of, ensure_test_vhost
from olymp_core.testing.events import eventually, publish_to_broker
from olymp_core.testing.service import ServiceHarness, running_service
from olymp_materials import store
from tests.integration.materials.feedkit import free_port, hub_settings, mirror_settings
from tests.integration.materials.test_packages_api import (
    BEFORE,
    CRITERIA_AT,
    DAY,
    FAST,
    OMSK,
    learn_olympiad,
    olympiad_created,
    upload,
)
from tests.integration.materials.test_released_criteria import participant_of

pytestmark = pytest.mark.integration

MUNICIPALITY = "ust-ishim"
ROUND_STARTS = dt.datetime(2025, 10, 14, 4, 0, tzinfo=dt.UTC)  # 10:00 in Omsk
# the municipality's round runs to 13:10; the hub's registration named 13:00 (olympiad_created)
ROUND_ENDS = dt.datetime(2025, 10, 14, 7, 10, tzinfo=dt.UTC)
ORAL_DAY = DAY + dt.timedelta(days=2)
ORAL_ENDS = dt.datetime(2025, 10, 16, 6, 30, tzinfo=dt.UTC)  # 12:30 in Omsk
WRITTEN = ScheduledRound(round_code="written", day=DAY, starts_at=ROUND_STARTS, ends_at=ROUND_ENDS)
ORAL = ScheduledRound(
    round_code="oral", day=ORAL_DAY, starts_at=ORAL_ENDS - dt.timedelta(hours=2), ends_at=ORAL_ENDS
)


def municipal_olympiad(olympiad_id: uuid.UUID, *subjects: str) -> OlympiadCreated:
    """The olympiad as the municipality's own registration created it."""
    return OlympiadCreated(
        olympiad_id=olympiad_id,
        title="Муниципальный этап ВсОШ 2025/26, Усть-Ишимский район",
        time_zone=OMSK,
        subjects=tuple(
            ScheduledSubject(
                subject_code=code, day=DAY, round_starts_at=ROUND_STARTS, round_ends_at=ROUND_ENDS
            )
            for code in subjects
        ),
        municipality_id=MUNICIPALITY,
    )


@pytest.fixture
async def municipal_broker() -> AsyncIterator[str]:
    """A virtual host of the municipality's own: its registration's events reach its mirror
    only, never the hub started on the tests' virtual host."""
    vhost = f"{TEST_VHOST}-municipality-{uuid.uuid4().hex[:8]}"
    await asyncio.to_thread(ensure_test_vhost, vhost)
    broker = amqp_url_of(vhost)
    try:
        yield broker
    finally:
        if broker != amqp_url_of(TEST_VHOST) and shutil.which("rabbitmqctl"):
            subprocess.run(  # the broker's own tool, fixed arguments
                ["rabbitmqctl", "-q", "delete_vhost", vhost],
                capture_output=True,
                check=False,
                timeout=60,
            )


async def announce(broker: str, *events: Event) -> None:
    """What the municipality's registration relays."""
    await publish_to_broker(*events, amqp_url=broker)


async def round_end_on(
    mirror: ServiceHarness, olympiad_id: uuid.UUID, subject_code: str
) -> dt.datetime | None:
    async with mirror.uows() as uow:
        return await store.last_round_ends_at(uow.session, olympiad_id, subject_code)


async def until_round_end(
    mirror: ServiceHarness, olympiad_id: uuid.UUID, subject_code: str, expected: dt.datetime
) -> None:
    async def stored() -> bool:
        return await round_end_on(mirror, olympiad_id, subject_code) == expected

    await eventually(stored)


async def until_released(mirror: ServiceHarness, url: str) -> None:
    """The mirror holds the package and the hub's key for it."""

    async def released() -> bool:
        state = await mirror.client.get(url, headers=mirror.auth(Role.MUNICIPAL_COORDINATOR))
        return state.status_code == 200 and bool(state.json()["released"])

    await eventually(released)


async def test_p24_p91_a_mirror_gives_participants_the_criteria_after_its_own_round_end(
    tmp_path: Path, municipal_broker: str
) -> None:
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    async with running_service(
        "materials", tmp_path / "hub", clock=clock, **hub_settings(tmp_path, free_port()), **FAST
    ) as hub:
        await learn_olympiad(hub, olympiad_created(olympiad_id, "math"))
        async with running_service(
            "materials",
            tmp_path / MUNICIPALITY,
            clock=clock,
            amqp_url=municipal_broker,
            **mirror_settings(hub, MUNICIPALITY),
            **FAST,
        ) as mirror:
            # the feed first: the package is held before the municipality's schedule is heard
            uploaded = await upload(hub, olympiad_id, "criteria", b"%PDF-1.4 criteria, math")
            assert uploaded.status_code == 201, uploaded.text
            url = f"/olympiads/{olympiad_id}/subjects/math/criteria"
            participant = participant_of(mirror, "code-101")
            clock.set(CRITERIA_AT)
            await until_released(mirror, url)
            unknown = await mirror.client.get(url + "/files", headers=participant)
            assert unknown.status_code == 403
            assert "здесь не известно" in unknown.json()["detail"]

            await announce(municipal_broker, municipal_olympiad(olympiad_id, "math"))
            await until_round_end(mirror, olympiad_id, "math", ROUND_ENDS)
            # the hub's registration said 13:00 and the hub never tells the mirror: 13:10 counts
            assert await round_end_on(hub, olympiad_id, "math") == ROUND_STARTS + dt.timedelta(
                hours=3
            )
            clock.set(ROUND_ENDS - dt.timedelta(minutes=1))
            state = (await mirror.client.get(url, headers=participant)).json()
            assert state["released"] is True and state["available"] is False
            assert state["available_at"] == "2025-10-14T07:10:00Z"
            assert state["time_zone"] == OMSK
            during = await mirror.client.get(url + "/files", headers=participant)
            assert during.status_code == 403
            assert during.json()["detail"] == (
                "Критерии оценивания выдаются участникам после окончания последнего тура по "
                "предмету: они будут доступны с 13:10 14.10.2025 (Asia/Omsk)."
            )
            # the staff read them from the instant, as on the hub
            coordinator = mirror.auth(Role.MUNICIPAL_COORDINATOR)
            staff = await mirror.client.get(url + "/files", headers=coordinator)
            assert staff.status_code == 200, staff.text

            clock.set(ROUND_ENDS)
            given = await mirror.client.get(url + "/files", headers=participant)
            assert given.status_code == 200, given.text
            assert given.content == b"%PDF-1.4 criteria, math"
            # the mirror's instants and packages stay the hub's: the event set no day of its own
            async with mirror.uows() as uow:
                assert await store.subject_day(uow.session, olympiad_id, "math") is None
                [record] = await store.list_packages(uow.session, olympiad_id)
            assert record.package.release_at == CRITERIA_AT


async def test_p60_on_a_mirror_the_oral_round_heard_before_the_package_moves_the_criteria(
    tmp_path: Path, municipal_broker: str
) -> None:
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    async with running_service(
        "materials", tmp_path / "hub", clock=clock, **hub_settings(tmp_path, free_port()), **FAST
    ) as hub:
        await learn_olympiad(hub, olympiad_created(olympiad_id, "german"))
        async with running_service(
            "materials",
            tmp_path / MUNICIPALITY,
            clock=clock,
            amqp_url=municipal_broker,
            **mirror_settings(hub, MUNICIPALITY),
            **FAST,
        ) as mirror:
            # the municipality's schedule first, the oral round's change ahead of the olympiad
            # itself (their queues are apart); a redelivered creation does not take it back
            oral = SubjectScheduleChanged(
                olympiad_id=olympiad_id, subject_code="german", rounds=(WRITTEN, ORAL)
            )
            await announce(municipal_broker, oral)
            await until_round_end(mirror, olympiad_id, "german", ORAL_ENDS)
            created = municipal_olympiad(olympiad_id, "german")
            await announce(municipal_broker, created)

            async def zone_heard() -> bool:
                async with mirror.uows() as uow:
                    return await store.olympiad_zone(uow.session, olympiad_id) == OMSK

            await eventually(zone_heard)
            assert await round_end_on(mirror, olympiad_id, "german") == ORAL_ENDS

            # then the feed: the package arrives after the rounds were heard
            uploaded = await upload(
                hub, olympiad_id, "criteria", b"%PDF-1.4 Kriterien", subject="german"
            )
            assert uploaded.status_code == 201, uploaded.text
            url = f"/olympiads/{olympiad_id}/subjects/german/criteria"
            participant = participant_of(mirror, "code-207")
            clock.set(ROUND_ENDS)
            await until_released(mirror, url)
            refused = await mirror.client.get(url + "/files", headers=participant)
            assert refused.status_code == 403
            assert "будут доступны с 12:30 16.10.2025 (Asia/Omsk)" in refused.json()["detail"]

            # the oral round moved a day later in the set-up: a later change moves the criteria
            moved_ends = ORAL_ENDS + dt.timedelta(days=1)
            moved = ScheduledRound(
                round_code="oral",
                day=ORAL_DAY + dt.timedelta(days=1),
                starts_at=moved_ends - dt.timedelta(hours=2),
                ends_at=moved_ends,
            )
            await announce(
                municipal_broker,
                SubjectScheduleChanged(
                    olympiad_id=olympiad_id, subject_code="german", rounds=(WRITTEN, moved)
                ),
            )
            await until_round_end(mirror, olympiad_id, "german", moved_ends)
            clock.set(ORAL_ENDS)
            still = await mirror.client.get(url + "/files", headers=participant)
            assert still.status_code == 403
            assert "будут доступны с 12:30 17.10.2025 (Asia/Omsk)" in still.json()["detail"]
            clock.set(moved_ends)
            given = await mirror.client.get(url + "/files", headers=participant)
            assert given.status_code == 200, given.text
            assert given.content == b"%PDF-1.4 Kriterien"
