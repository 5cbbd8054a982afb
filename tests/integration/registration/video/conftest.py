"""One running registration service for room video tests, real small videos made with PyAV."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from olymp_cli.commands.video import RecordingTarget, UploadOutcome, upload_recording
from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock
from olymp_core.testing.service import ServiceHarness, running_service
from tests.support import media

# Chemistry 10:00–14:00 in Omsk (UTC+6); packing until 14:30, handover until 15:00.
DAY = dt.date(2025, 11, 18)
ROUND_START = dt.datetime(2025, 11, 18, 4, 0, tzinfo=dt.UTC)
ROUND_END = dt.datetime(2025, 11, 18, 8, 0, tzinfo=dt.UTC)
PACKING_END = ROUND_END + dt.timedelta(minutes=30)
SCHOOL = "МБОУ «СОШ № 3»"
OTHER_SCHOOL = "МБОУ «Лицей № 1»"
PART_SIZE = 64 * 1024


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(ROUND_END)


@pytest.fixture(scope="module")
async def svc(
    tmp_path_factory: pytest.TempPathFactory, clock: ManualClock
) -> AsyncIterator[ServiceHarness]:
    async with running_service(
        "registration",
        tmp_path_factory.mktemp("registration-video"),
        clock=clock,
        video_part_size=PART_SIZE,
    ) as harness:
        yield harness


@pytest.fixture(autouse=True)
def after_the_round(clock: ManualClock) -> None:
    clock.set(ROUND_END + dt.timedelta(minutes=20))


def write_video(
    path: Path,
    *,
    seconds: int,
    fps: Fraction | int = 10,
    creation_time: dt.datetime | None = ROUND_START,
    noise: bool = False,
) -> Path:
    """A real H.264 MP4 recorded from the round's start unless told otherwise."""
    return media.write_video(
        path, seconds=seconds, fps=fps, creation_time=creation_time, noise=noise
    )


def whole_round(path: Path, start: dt.datetime = ROUND_START - dt.timedelta(minutes=5)) -> Path:
    """One frame a minute from before the start until after packing: 4 h 40 min of footage."""
    return write_video(path, seconds=280 * 60, fps=Fraction(1, 60), creation_time=start)


@dataclass
class Venue:
    svc: ServiceHarness
    clock: ManualClock
    olympiad_id: str

    def headers(self, role: Role = Role.VENUE_COORDINATOR, venue: str = SCHOOL) -> dict[str, str]:
        return self.svc.auth(role, sub=f"{role.value}-{venue}", scopes={ScopeKind.VENUE: [venue]})

    def token(self, venue: str = SCHOOL) -> str:
        return self.headers(venue=venue)["Authorization"].removeprefix("Bearer ")

    async def upload(
        self,
        path: Path,
        room: str = "Кабинет 12",
        *,
        http: httpx.AsyncClient | None = None,
        state: Path | None = None,
        retries: int = 0,
        **target: Any,
    ) -> UploadOutcome:
        return await upload_recording(
            http or self.svc.client,
            path,
            RecordingTarget(self.olympiad_id, SCHOOL, room, "chemistry", **target),
            token=self.token(),
            state=state,
            retries=retries,
        )

    async def report(self) -> dict[str, Any]:
        response = await self.svc.client.get(
            f"/olympiads/{self.olympiad_id}/video/report",
            params={"venue": SCHOOL, "subject": "chemistry"},
            headers=self.headers(Role.OBSERVER),
        )
        assert response.status_code == 200, response.text
        report: dict[str, Any] = response.json()
        return report

    async def audit(self, object_id: str) -> list[tuple[str, str]]:
        async with self.svc.service.runtime.engine.connect() as conn:
            rows = await conn.execute(
                sa.text("SELECT actor, action FROM audit_log WHERE object_id = :id ORDER BY seq"),
                {"id": object_id},
            )
            return [(r.actor, r.action) for r in rows]


@pytest.fixture
async def venue(svc: ServiceHarness, clock: ManualClock) -> Venue:
    """A fresh olympiad per test: chemistry, two schools, two rooms at School No. 3."""
    body = {
        "title": f"Муниципальный этап ВсОШ {uuid.uuid4().hex[:6]}",
        "school_year": "2025/2026",
        "time_zone": "Asia/Omsk",
        "subjects": [
            {
                "subject_code": "chemistry",
                "day": DAY.isoformat(),
                "round_start": "10:00",
                "round_end": "14:00",
            }
        ],
        "venues": [
            {
                "name": SCHOOL,
                "rooms": [
                    {"name": "Кабинет 12", "capacity": 15},
                    {"name": "Кабинет 14", "capacity": 15},
                ],
            },
            {"name": OTHER_SCHOOL, "rooms": [{"name": "Кабинет 1", "capacity": 15}]},
        ],
    }
    response = await svc.client.post("/olympiads", json=body, headers=svc.auth(Role.COORDINATOR))
    assert response.status_code == 201, response.text
    return Venue(svc, clock, str(response.json()["olympiad_id"]))
