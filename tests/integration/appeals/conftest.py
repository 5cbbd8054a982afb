"""One running appeals service for the package; each test works in an olympiad of its own."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from olymp_core.audit import audit_log
from olymp_core.auth import Role
from olymp_core.clock import UTC, ManualClock, local_instant
from olymp_core.contracts.coding import DecodedWork, WorksDecoded
from olymp_core.contracts.registration import OlympiadCreated, ParticipantRegistered
from olymp_core.contracts.scoring import ScoredWork, SubjectGradeChecked
from olymp_core.events.tables import outbox
from olymp_core.testing.service import ServiceHarness, running_service

ZONE = "Asia/Omsk"
TASK_MAX = {"1": Decimal(10), "2": Decimal(10), "3": Decimal(10)}


@dataclass
class Appeals:
    svc: ServiceHarness
    clock: ManualClock


@pytest.fixture(scope="package")
async def appeals(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Appeals]:
    clock = ManualClock(dt.datetime(2025, 11, 20, tzinfo=UTC))
    workdir = tmp_path_factory.mktemp("appeals")
    async with running_service("appeals", workdir, clock=clock) as svc:
        yield Appeals(svc, clock)


@dataclass
class Olympiad:
    """A fresh olympiad with one subject whose appeal window is open."""

    appeals: Appeals
    olympiad_id: uuid.UUID = field(default_factory=uuid.uuid4)
    subject_code: str = "math"
    grade: int = 9

    @property
    def client(self) -> httpx.AsyncClient:
        return self.appeals.svc.client

    def auth(self, *roles: Role, sub: str = "tester") -> dict[str, str]:
        return self.appeals.svc.auth(*roles, sub=sub)

    @property
    def base(self) -> str:
        return f"/olympiads/{self.olympiad_id}"

    async def seed_work(
        self,
        work_code: str,
        scores: dict[str, str],
        person: tuple[str, str, str, str] = ("Ёлкина", "Алёна", "Фёдоровна", "МБОУ «Лицей № 1»"),
    ) -> uuid.UUID:
        """Registration's, scoring's and coding's events for one work, applied as their consumers
        apply them. `person`: surname, name, patronymic, school."""
        participant_id = uuid.uuid4()
        surname, name, patronymic, school = person
        await self.appeals.svc.deliver(
            ParticipantRegistered(
                olympiad_id=self.olympiad_id,
                participant_id=participant_id,
                subject_code=self.subject_code,
                surname=surname,
                name=name,
                patronymic=patronymic,
                grade=self.grade,
                task_grade=self.grade,
                school=school,
                consent_to_publish=True,
            )
        )
        checked = SubjectGradeChecked(
            olympiad_id=self.olympiad_id,
            subject_code=self.subject_code,
            grade=self.grade,
            task_max=TASK_MAX,
            works=(
                ScoredWork(
                    work_code=work_code,
                    task_scores={k: Decimal(v) for k, v in scores.items()},
                    total=sum((Decimal(v) for v in scores.values()), Decimal(0)),
                    max_total=Decimal(30),
                ),
            ),
        )
        decoded = WorksDecoded(
            olympiad_id=self.olympiad_id,
            subject_code=self.subject_code,
            grade=self.grade,
            works=(DecodedWork(work_code=work_code, participant_id=participant_id),),
        )
        await self.appeals.svc.deliver(decoded, checked)
        return participant_id

    async def announce(self, time_zone: str = ZONE) -> None:
        """Registration's OlympiadCreated, as the consumer applies it: appeals learns the zone."""
        await self.appeals.svc.deliver(
            OlympiadCreated(
                olympiad_id=self.olympiad_id,
                title="Муниципальный этап ВсОШ",
                time_zone=time_zone,
                subjects=(),
            )
        )

    def schedule(
        self, show_ends: dt.datetime, show_starts: dt.datetime | None = None
    ) -> dict[str, Any]:
        """An analysis of tasks, then the show ending at `show_ends` (§89). By default the show
        has begun by the test clock's now, so filing is open (the tests of §96 move the clock)."""
        starts = show_starts or min(show_ends - dt.timedelta(hours=1), self.appeals.clock.now())
        analysis_starts = starts - dt.timedelta(hours=1)
        return {
            "analysis": {
                "starts_at": analysis_starts.isoformat(),
                "ends_at": starts.isoformat(),
                "place": "МБОУ «СОШ № 12», актовый зал",
            },
            "show": {
                "starts_at": starts.isoformat(),
                "ends_at": show_ends.isoformat(),
                "place": "МБОУ «СОШ № 12», кабинет 204",
            },
        }

    async def put_schedule(
        self, body: dict[str, Any], role: Role = Role.MUNICIPAL_COORDINATOR
    ) -> httpx.Response:
        return await self.client.put(
            f"{self.base}/subjects/{self.subject_code}/analysis-and-show",
            json=body,
            headers=self.auth(role),
        )

    async def open_window(
        self, show_ends: dt.datetime, show_starts: dt.datetime | None = None
    ) -> httpx.Response:
        await self.announce()
        return await self.put_schedule(self.schedule(show_ends, show_starts))

    async def appoint(self, members: list[str], chair: str) -> httpx.Response:
        return await self.client.put(
            f"{self.base}/subjects/{self.subject_code}/commission",
            json={"members": members, "chair": chair},
            headers=self.auth(Role.MUNICIPAL_COORDINATOR),
        )

    async def file(self, participant_id: uuid.UUID, tasks: list[int]) -> httpx.Response:
        return await self.client.post(
            f"{self.base}/appeals",
            json={
                "participant_id": str(participant_id),
                "subject_code": self.subject_code,
                "tasks": tasks,
                "statement": "Не согласен с оценкой решения.",
            },
            headers=self.auth(Role.APPEAL_MEMBER, sub="secretary"),
        )

    async def hearing(
        self, appeal_id: str, *, present: bool, documented: bool = False, by: str = "chair"
    ) -> httpx.Response:
        return await self.client.post(
            f"{self.base}/appeals/{appeal_id}/hearing",
            json={"participant_present": present, "valid_reason_documented": documented},
            headers=self.auth(Role.APPEAL_MEMBER, sub=by),
        )

    async def vote(
        self, appeal_id: str, member: str, outcome: str, scores: dict[str, str] | None = None
    ) -> httpx.Response:
        return await self.client.post(
            f"{self.base}/appeals/{appeal_id}/votes",
            json={"outcome": outcome, "new_task_scores": scores or {}},
            headers=self.auth(Role.APPEAL_MEMBER, sub=member),
        )

    async def decide(self, appeal_id: str, by: str = "chair") -> httpx.Response:
        return await self.client.post(
            f"{self.base}/appeals/{appeal_id}/decision",
            headers=self.auth(Role.APPEAL_MEMBER, sub=by),
        )

    async def ready_appeal(
        self, members: list[str], tasks: list[int], *, present: bool = True
    ) -> str:
        """A commission, a window open now, a filed appeal and its hearing recorded."""
        assert (await self.appoint(members, chair=members[0])).status_code == 200
        self.appeals.clock.set(local_instant(dt.date(2025, 11, 24), dt.time(10), ZONE))
        window = await self.open_window(local_instant(dt.date(2025, 11, 21), dt.time(18), ZONE))
        assert window.status_code == 200, window.text
        participant_id = await self.seed_work(
            f"M9-{uuid.uuid4().hex[:6]}", {"1": "6", "2": "3.5", "3": "4"}
        )
        filed = await self.file(participant_id, tasks)
        assert filed.status_code == 201, filed.text
        appeal_id = str(filed.json()["appeal_id"])
        heard = await self.hearing(appeal_id, present=present, by=members[0])
        assert heard.status_code == 200, heard.text
        return appeal_id

    async def decided_events(self) -> list[dict[str, Any]]:
        return await self.events("appeals.appeal_decided.v1")

    async def events(self, routing_key: str) -> list[dict[str, Any]]:
        async with self.appeals.svc.service.runtime.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(outbox.c.payload)
                .where(outbox.c.routing_key == routing_key)
                .where(outbox.c.payload["olympiad_id"].astext == str(self.olympiad_id))
                .order_by(outbox.c.id)
            )
            return [dict(row.payload) for row in rows]

    async def audit_actions(self, object_id: str) -> list[tuple[str, str]]:
        async with self.appeals.svc.service.runtime.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(audit_log.c.action, audit_log.c.actor)
                .where(audit_log.c.object_id == object_id)
                .order_by(audit_log.c.seq)
            )
            return [(row.action, row.actor) for row in rows]


@pytest.fixture
def olympiad(appeals: Appeals) -> Olympiad:
    return Olympiad(appeals)
