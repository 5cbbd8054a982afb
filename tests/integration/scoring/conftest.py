"""One running scoring service per test module; each test works in an olympiad of its own."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa

from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock
from olymp_core.contracts.coding import WorkCoded
from olymp_core.events.tables import outbox
from olymp_core.testing.service import ServiceHarness, running_service

CHAIR = "chair-ivanova"
SUBJECT = "math"
# the jury of the subject under test (a jury token always names its subjects, §21)
MATH_JURY = {ScopeKind.SUBJECT: [SUBJECT]}
GRADE = 9
START = dt.datetime(2025, 11, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
async def svc(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ServiceHarness]:
    async with running_service(
        "scoring", tmp_path_factory.mktemp("scoring"), clock=ManualClock(START)
    ) as harness:
        yield harness


@pytest.fixture
def olympiad_id() -> uuid.UUID:
    return uuid.uuid4()


async def code_works(svc: ServiceHarness, olympiad_id: uuid.UUID, *codes: str) -> None:
    for code in codes:
        await svc.deliver(
            WorkCoded(
                olympiad_id=olympiad_id, work_code=code, subject_code=SUBJECT, task_grade=GRADE
            ),
        )


def base(olympiad_id: uuid.UUID) -> str:
    return f"/olympiads/{olympiad_id}/subjects/{SUBJECT}/grades/{GRADE}"


async def set_scheme(
    svc: ServiceHarness,
    olympiad_id: uuid.UUID,
    *,
    threshold: str = "2",
    rule: str = "third_mark_decides",
) -> Any:
    return await svc.client.put(
        base(olympiad_id) + "/scheme",
        json={
            "tasks": [{"number": 1, "max_points": "10"}, {"number": 2, "max_points": "10"}],
            "step": "0.5",
            "threshold": {"kind": "points", "value": threshold},
            "rule": rule,
        },
        headers=svc.auth(Role.JURY_CHAIR, sub=CHAIR, scopes=MATH_JURY),
    )


async def mark(
    svc: ServiceHarness,
    olympiad_id: uuid.UUID,
    code: str,
    member: str,
    subject: str = SUBJECT,
    **scores: str,
) -> Any:
    """`member`, a jury member of `subject`, marks the work `code`."""
    return await svc.client.post(
        f"/olympiads/{olympiad_id}/works/{code}/marks",
        json={"task_scores": {name.removeprefix("t"): value for name, value in scores.items()}},
        headers=svc.auth(Role.JURY_MEMBER, sub=member, scopes={ScopeKind.SUBJECT: [subject]}),
    )


async def outbox_payloads(
    svc: ServiceHarness, routing_key: str, olympiad_id: uuid.UUID
) -> list[dict[str, Any]]:
    async with svc.uows() as uow:
        rows = await uow.session.scalars(
            sa.select(outbox.c.payload)
            .where(outbox.c.routing_key == routing_key)
            .where(outbox.c.payload["olympiad_id"].astext == str(olympiad_id))
            .order_by(outbox.c.id)
        )
        return list(rows)
