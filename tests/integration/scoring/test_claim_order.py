"""The marking queue's order: one random order per subject and grade, each member walking it from a
place of their own, found by an index walk that does not grow with the grade."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any, cast

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_core.subject_grade import SubjectGrade
from olymp_core.testing.service import ServiceHarness
from olymp_scoring import store
from olymp_scoring.domain.claims import starting_point
from olymp_scoring.store import claim_cursors, claims, marks, works
from tests.integration.scoring.conftest import GRADE, SUBJECT, code_works, mark, set_scheme
from tests.integration.scoring.test_claims import claim, clock_of, release

pytestmark = pytest.mark.integration


def queue_of(olympiad_id: uuid.UUID) -> SubjectGrade:
    return SubjectGrade(olympiad_id, SUBJECT, GRADE)


async def set_ranks(svc: ServiceHarness, olympiad_id: uuid.UUID, ranks: dict[str, float]) -> None:
    async with svc.uows() as uow:
        for code, rank in ranks.items():
            await store.update_work(uow.session, olympiad_id, code, queue_rank=rank)
        await uow.session.commit()


def walk_order(ranks: dict[str, float], start: float) -> list[str]:
    """The order a member starting at `start` meets the works: after it, then round from 0."""
    return sorted(ranks, key=lambda code: (ranks[code] <= start, ranks[code]))


async def claim_and_mark(svc: ServiceHarness, olympiad_id: uuid.UUID, member: str) -> str:
    taken = await claim(svc, olympiad_id, member)
    assert taken.status_code == 201, taken.text
    code: str = taken.json()["work_code"]
    marked = await mark(svc, olympiad_id, code, member, t1="5", t2="5")
    assert marked.status_code == 200, marked.text
    return code


async def test_a_member_walks_one_random_order_from_a_place_of_their_own_and_round(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    codes = [f"R-{n:02d}" for n in range(6)]
    await code_works(svc, olympiad_id, *codes)
    queue = queue_of(olympiad_id).object_id
    start = starting_point("jury-a", queue)
    # ranks around the member's place, some after it and some before (the walk goes round)
    ranks = {code: (start + (n - 2.5) / 10) % 1 for n, code in enumerate(codes)}
    await set_ranks(svc, olympiad_id, ranks)

    walked = [await claim_and_mark(svc, olympiad_id, "jury-a") for _ in codes]
    assert walked == walk_order(ranks, start)
    assert (await claim(svc, olympiad_id, "jury-a")).status_code == 204

    # another member starts at their own place in the same order, and goes round it too
    other = starting_point("jury-b", queue)
    assert other != start
    assert [await claim_and_mark(svc, olympiad_id, "jury-b") for _ in codes] == walk_order(
        ranks, other
    )


async def test_thirty_members_asking_at_once_start_on_different_works(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    codes = [f"S-{n:03d}" for n in range(300)]
    await code_works(svc, olympiad_id, *codes)
    members = [f"jury-{n:02d}" for n in range(30)]
    answers = await asyncio.gather(*(claim(svc, olympiad_id, member) for member in members))
    assert all(answer.status_code == 201 for answer in answers), [a.text for a in answers]
    taken = [answer.json()["work_code"] for answer in answers]
    # two members meet on one work only when their places are next to each other (and a work
    # takes two hands, §69); with one shared first work for all they would queue on one row
    assert len(set(taken)) >= 25, sorted(taken)
    assert max(taken.count(code) for code in taken) <= 2


async def test_a_work_given_back_comes_back_last_even_for_a_third_mark(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id, threshold="2")
    await code_works(svc, olympiad_id, "G-01", "G-02", "G-03")
    await mark(svc, olympiad_id, "G-01", "jury-a", t1="1", t2="5")
    await mark(svc, olympiad_id, "G-01", "jury-b", t1="9", t2="5")  # task 1 disputed
    third = (await claim(svc, olympiad_id, "jury-c")).json()
    assert (third["work_code"], third["third_mark"]) == ("G-01", True)  # third marks first (§73)
    assert (await release(svc, olympiad_id, "G-01", "jury-c")).status_code == 204

    # the member knows the handwriting: the disputed work comes back only after every other
    others = {await claim_and_mark(svc, olympiad_id, "jury-c") for _ in range(2)}
    assert others == {"G-02", "G-03"}
    back = (await claim(svc, olympiad_id, "jury-c")).json()
    assert (back["work_code"], back["third_mark"]) == ("G-01", True)
    # while it was given back, another eligible member got it first
    await release(svc, olympiad_id, "G-01", "jury-c")
    assert (await claim(svc, olympiad_id, "jury-d")).json()["work_code"] == "G-01"


async def test_an_expired_claim_frees_its_place_for_the_walk(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, "E-01")
    assert (await claim(svc, olympiad_id, "jury-a")).json()["work_code"] == "E-01"
    assert (await claim(svc, olympiad_id, "jury-b")).json()["work_code"] == "E-01"
    assert (await claim(svc, olympiad_id, "jury-c")).status_code == 204
    clock_of(svc).advance(dt.timedelta(minutes=20))
    assert (await claim(svc, olympiad_id, "jury-c")).json()["work_code"] == "E-01"
    async with svc.uows() as uow:
        held = await uow.session.execute(
            sa.select(claims.c.jury_member_id).where(claims.c.olympiad_id == olympiad_id)
        )
        # the expired claims of the work went when it was claimed again
        assert sorted(held.scalars()) == ["jury-c"]


class Explaining:
    """Stands in for a session: runs each statement under EXPLAIN ANALYZE first, keeps the plan."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.plans: list[dict[str, Any]] = []

    async def execute(self, statement: sa.Executable) -> Any:
        sql = cast(sa.ClauseElement, statement).compile(
            dialect=self.session.get_bind().dialect, compile_kwargs={"literal_binds": True}
        )
        found = await self.session.execute(sa.text(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}"))
        self.plans.append(found.scalar_one()[0]["Plan"])
        return await self.session.execute(statement)


def nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [plan, *(node for child in plan.get("Plans", ()) for node in nodes(child))]


WORKS = 3000


async def test_the_next_work_is_found_without_reading_the_grade(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    """A grade of 3,000 works, a third of them checked, a member who marked the first hundred of
    their walk, the next ten held by others: the next work is found reading eleven rows."""
    await set_scheme(svc, olympiad_id)
    now = clock_of(svc).now()
    codes = [f"B-{n:04d}" for n in range(WORKS)]
    async with svc.uows() as uow:
        await uow.session.execute(
            sa.insert(works),
            [
                {
                    "olympiad_id": olympiad_id,
                    "work_code": code,
                    "subject_code": SUBJECT,
                    "grade": GRADE,
                    "status": "checked" if n % 3 == 0 else "awaiting_marks",
                    "coded_at": now,
                }
                for n, code in enumerate(codes)
            ],
        )
        await uow.session.execute(
            sa.insert(marks),
            [
                {
                    "olympiad_id": olympiad_id,
                    "work_code": code,
                    "jury_member_id": member,
                    "task_number": task,
                    "points": 5,
                    "recorded_at": now,
                }
                for n, code in enumerate(codes)
                if n % 3 == 0
                for member in ("jury-x", "jury-y")
                for task in (1, 2)
            ],
        )
        await uow.session.commit()
    member = "jury-a"
    first = [await claim_and_mark(svc, olympiad_id, member) for _ in range(100)]
    assert len(set(first)) == 100
    key = queue_of(olympiad_id)
    async with svc.uows() as uow:
        cursor = await uow.session.scalar(
            sa.select(claim_cursors.c.queue_rank).where(
                key.where(claim_cursors), claim_cursors.c.jury_member_id == member
            )
        )
        assert cursor is not None
        # the next ten works of the member's walk are in two other members' hands already
        ahead = (
            await uow.session.scalars(
                sa.select(works.c.work_code)
                .where(
                    key.where(works),
                    works.c.status == "awaiting_marks",
                    works.c.queue_rank > cursor,
                )
                .order_by(works.c.queue_rank)
                .limit(11)
            )
        ).all()
        expires = now + dt.timedelta(minutes=20)
        await uow.session.execute(
            sa.insert(claims),
            [
                {
                    "olympiad_id": olympiad_id,
                    "work_code": code,
                    "jury_member_id": other,
                    "claimed_at": now,
                    "expires_at": expires,
                }
                for code in ahead[:10]
                for other in ("jury-p", "jury-q")
            ],
        )
        await uow.session.commit()

    async with svc.uows() as uow:
        explaining = Explaining(uow.session)
        found = await store.next_claimable(
            cast(AsyncSession, explaining),
            key,
            member,
            clock_of(svc).now(),
            start=starting_point(member, key.object_id),
            skip=[],
            lock=True,
        )
    assert found is not None and found.walked
    assert found.work.work_code == ahead[10]
    read: dict[str, int] = {"works": 0, "marks": 0, "claims": 0}
    for plan in explaining.plans:
        for node in nodes(plan):
            assert node["Node Type"] != "Sort", plan
            table = node.get("Relation Name")
            if table == "works":
                assert node.get("Index Name") == "works_open_by_rank", plan
            if table in read:
                passed = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
                read[table] += passed * node["Actual Loops"]
    # the ten full works and the one found: not the hundred marked, nor the grade; and for each,
    # its own marks and claims (two claims on each full work), never all the member's marks
    assert read["works"] == 11, explaining.plans
    assert read["marks"] + read["claims"] <= 4 * 11, (read, explaining.plans)
