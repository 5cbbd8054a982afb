"""One running registration service for the module's tests, with a clock set by each test."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from olymp_core.auth import Role
from olymp_core.clock import ManualClock
from olymp_core.events.tables import outbox
from olymp_core.testing.service import ServiceHarness, running_service

# 09:00 in Omsk (UTC+6) on the olympiad day: an hour before the round.
OLYMPIAD_DAY = dt.date(2025, 11, 18)
MORNING = dt.datetime(2025, 11, 18, 3, 0, tzinfo=dt.UTC)
SUBJECTS = ("math", "physics", "biology")


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(MORNING)


@pytest.fixture(scope="module")
async def svc(
    tmp_path_factory: pytest.TempPathFactory, clock: ManualClock
) -> AsyncIterator[ServiceHarness]:
    async with running_service(
        "registration", tmp_path_factory.mktemp("registration"), clock=clock
    ) as harness:
        yield harness


@pytest.fixture(autouse=True)
def morning(clock: ManualClock) -> None:
    clock.set(MORNING)


def olympiad_body(**changes: Any) -> dict[str, Any]:
    """A valid creation request: three subjects on one day, one venue."""
    body: dict[str, Any] = {
        "title": "Муниципальный этап ВсОШ, Усть-Ишимский район",
        "school_year": "2025/2026",
        "time_zone": "Asia/Omsk",
        "subjects": [
            {
                "subject_code": code,
                "day": OLYMPIAD_DAY.isoformat(),
                "round_start": "10:00",
                "round_end": "14:00",
            }
            for code in SUBJECTS
        ],
        "venues": [
            {
                "name": 'МБОУ "Усть-Ишимская СОШ № 1"',
                "rooms": [
                    {"name": "Кабинет 12", "capacity": 20},
                    {"name": "Актовый зал", "capacity": 60},
                ],
            }
        ],
    }
    body.update(changes)
    return body


@dataclass
class Desk:
    """What the tests do through the service's public API, and what they read behind it."""

    svc: ServiceHarness
    clock: ManualClock

    async def create_olympiad(self, **changes: Any) -> str:
        response = await self.svc.client.post(
            "/olympiads", json=olympiad_body(**changes), headers=self.svc.auth(Role.COORDINATOR)
        )
        assert response.status_code == 201, response.text
        return str(response.json()["olympiad_id"])

    async def import_file(
        self, olympiad_id: str, data: bytes, file_format: str = "csv", role: Role = Role.COORDINATOR
    ) -> httpx.Response:
        return await self.svc.client.post(
            f"/olympiads/{olympiad_id}/participants/import",
            params={"format": file_format},
            content=data,
            headers=self.svc.auth(role, sub="mun-coordinator"),
        )

    async def participants(self, olympiad_id: str, subject_code: str | None = None) -> Any:
        params = {"subject_code": subject_code} if subject_code else {}
        response = await self.svc.client.get(
            f"/olympiads/{olympiad_id}/participants",
            params=params,
            headers=self.svc.auth(Role.COORDINATOR),
        )
        assert response.status_code == 200, response.text
        return response.json()["participants"]

    async def outbox_payloads(self, event_name: str, olympiad_id: str) -> list[dict[str, Any]]:
        """Payloads of `registration.<event_name>.v1` rows of one olympiad, in insertion order."""
        async with self.svc.service.runtime.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(outbox.c.payload)
                .where(outbox.c.routing_key == f"registration.{event_name}.v1")
                .order_by(outbox.c.id)
            )
            payloads = [dict(r.payload) for r in rows]
        return [p for p in payloads if p["olympiad_id"] == olympiad_id]

    async def audit_entries(self, object_id: str) -> list[tuple[str, str, dict[str, Any]]]:
        async with self.svc.service.runtime.engine.connect() as conn:
            rows = await conn.execute(
                sa.text(
                    "SELECT actor, action, payload FROM audit_log "
                    "WHERE object_id = :object_id ORDER BY seq"
                ),
                {"object_id": object_id},
            )
            return [(r.actor, r.action, dict(r.payload)) for r in rows]


@pytest.fixture
def desk(svc: ServiceHarness, clock: ManualClock) -> Desk:
    return Desk(svc, clock)
