"""A running coding service with an olympiad whose math and physics works are coded."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import sqlalchemy as sa

from olymp_coding.scans.store import scanned_pages
from olymp_core.auth import Role
from olymp_core.clock import ManualClock
from olymp_core.contracts.registration import ParticipantCheckedIn
from olymp_core.storage import LocalDirectoryStore
from olymp_core.testing.service import ServiceHarness, running_service

START = dt.datetime(2025, 11, 20, 14, 0, tzinfo=dt.UTC)


@dataclass
class Olympiad:
    svc: ServiceHarness
    clock: ManualClock
    olympiad_id: uuid.UUID
    math: list[str]  # codes of the math works, grade 9
    physics: list[str]

    @property
    def storage_root(self) -> Path:
        store = self.svc.service.runtime.objects
        assert isinstance(store, LocalDirectoryStore)
        return store.root

    @property
    def base(self) -> str:
        return f"/olympiads/{self.olympiad_id}"

    async def upload(
        self, data: bytes, filename: str, subject_code: str = "math", who: str = "station-1"
    ) -> Any:
        return await self.svc.client.post(
            f"{self.base}/scans",
            params={"filename": filename, "subject_code": subject_code},
            content=data,
            headers=self.svc.auth(Role.SCANNER, sub=who),
        )

    async def pages(self) -> list[Any]:
        async with self.svc.uows() as uow:
            rows = await uow.session.execute(
                sa.select(scanned_pages).where(scanned_pages.c.olympiad_id == self.olympiad_id)
            )
            return list(rows)


@pytest_asyncio.fixture(scope="package")
async def coding(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[ServiceHarness, ManualClock]]:
    clock = ManualClock(START)
    workdir: Path = tmp_path_factory.mktemp("coding-scans")
    async with running_service("coding", workdir, clock=clock) as svc:
        yield svc, clock


async def _codes(svc: ServiceHarness, olympiad_id: uuid.UUID, subject_code: str) -> list[str]:
    response = await svc.client.get(
        f"/olympiads/{olympiad_id}/subjects/{subject_code}/works",
        headers=svc.auth(Role.CODING_OFFICER),
    )
    assert response.status_code == 200, response.text
    return [work["work_code"] for work in response.json()["works"]]


@pytest_asyncio.fixture
async def olympiad(coding: tuple[ServiceHarness, ManualClock]) -> Olympiad:
    """A fresh olympiad per test: three math works and one physics work, grade 9."""
    svc, clock = coding
    olympiad_id = uuid.uuid4()
    for subject_code, count in (("math", 3), ("physics", 1)):
        for _ in range(count):
            await svc.deliver(
                ParticipantCheckedIn(
                    olympiad_id=olympiad_id,
                    participant_id=uuid.uuid4(),
                    subject_code=subject_code,
                    task_grade=9,
                    present=True,
                    at=START,
                )
            )
    return Olympiad(
        svc,
        clock,
        olympiad_id,
        await _codes(svc, olympiad_id, "math"),
        await _codes(svc, olympiad_id, "physics"),
    )
