"""Marking progress against a real database: the works of each subject by status while its checking
is open, gone (zero) once the subject's checking is announced complete."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY

from olymp_core.testing.databases import migrated_database
from olymp_scoring.gauges import measure_marking
from olymp_scoring.store.tables import subject_grades, works

pytestmark = pytest.mark.integration

EVENING = dt.datetime(2025, 11, 18, 14, 0, tzinfo=dt.UTC)
OLYMPIAD = uuid.UUID(int=9)


def work(code: str, subject: str, status: str) -> dict[str, object]:
    return {
        "olympiad_id": OLYMPIAD,
        "work_code": code,
        "subject_code": subject,
        "grade": 9,
        "status": status,
        "coded_at": EVENING - dt.timedelta(hours=4),
    }


def count(subject: str, status: str) -> float:
    # never shown reads as 0, like a series set back to 0 (the registry is the whole process's)
    found = REGISTRY.get_sample_value("olymp_scoring_works", {"subject": subject, "status": status})
    return found or 0.0


async def test_marking_progress_follows_the_marks() -> None:
    async with migrated_database("scoring") as sessions:

        async def measure() -> None:
            async with sessions() as session:
                await measure_marking(session, EVENING)

        async with sessions() as session, session.begin():
            await session.execute(
                sa.insert(subject_grades),
                [
                    {
                        "olympiad_id": OLYMPIAD,
                        "subject_code": "math",
                        "grade": 9,
                        "announced_at": None,
                    },
                    # checked and announced this morning: not the day's progress any more
                    {
                        "olympiad_id": OLYMPIAD,
                        "subject_code": "physics",
                        "grade": 9,
                        "announced_at": EVENING - dt.timedelta(hours=1),
                    },
                ],
            )
            await session.execute(
                sa.insert(works),
                [
                    work("М-9-001", "math", "awaiting_marks"),
                    work("М-9-002", "math", "awaiting_marks"),
                    work("М-9-003", "math", "needs_third_mark"),
                    work("М-9-004", "math", "checked"),
                    work("Ф-9-001", "physics", "checked"),
                ],
            )
        await measure()
        assert count("math", "awaiting_marks") == 2
        assert count("math", "needs_third_mark") == 1
        assert count("math", "checked") == 1
        assert count("physics", "checked") == 0

        async with sessions() as session, session.begin():
            await session.execute(
                sa.update(works)
                .where(works.c.work_code.in_(["М-9-001", "М-9-003"]))
                .values(status="checked")
            )
        await measure()
        assert (count("math", "awaiting_marks"), count("math", "checked")) == (1, 3)
        assert count("math", "needs_third_mark") == 0

        async with sessions() as session, session.begin():
            await session.execute(
                sa.update(subject_grades)
                .where(subject_grades.c.subject_code == "math")
                .values(announced_at=EVENING)
            )
        await measure()
        assert (count("math", "awaiting_marks"), count("math", "checked")) == (0, 0)
