"""The marking queue: the server hands out the next work, never more hands than §69 and §73 allow."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock
from olymp_core.testing.service import ServiceHarness
from olymp_scoring.store import claims, marks
from tests.integration.scoring.conftest import CHAIR, base, code_works, mark, set_scheme

pytestmark = pytest.mark.integration

CLAIM_MINUTES = 20  # ScoringSettings.claim_minutes, the default the harness runs with


async def claim(svc: ServiceHarness, olympiad_id: uuid.UUID, member: str) -> Any:
    return await svc.client.post(
        base(olympiad_id) + "/claims", headers=svc.auth(Role.JURY_MEMBER, sub=member)
    )


async def release(svc: ServiceHarness, olympiad_id: uuid.UUID, code: str, member: str) -> Any:
    return await svc.client.delete(
        f"/olympiads/{olympiad_id}/works/{code}/claim",
        headers=svc.auth(Role.JURY_MEMBER, sub=member),
    )


async def marking_progress(svc: ServiceHarness, olympiad_id: uuid.UUID, headers: Any) -> Any:
    found = await svc.client.get(base(olympiad_id) + "/marking-progress", headers=headers)
    assert found.status_code == 200, found.text
    return found.json()


def clock_of(svc: ServiceHarness) -> ManualClock:
    clock = svc.service.runtime.clock
    assert isinstance(clock, ManualClock)
    return clock


async def claim_rows(svc: ServiceHarness, olympiad_id: uuid.UUID) -> list[tuple[str, str]]:
    async with svc.uows() as uow:
        rows = await uow.session.execute(
            sa.select(claims.c.work_code, claims.c.jury_member_id)
            .where(claims.c.olympiad_id == olympiad_id, claims.c.released_at.is_(None))
            .order_by(claims.c.work_code, claims.c.jury_member_id)
        )
        return [(row.work_code, row.jury_member_id) for row in rows]


async def test_claim_mark_and_the_next_claim_is_another_work(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, "Q-001", "Q-002")
    first = await claim(svc, olympiad_id, "jury-a")
    assert first.status_code == 201, first.text
    held = first.json()
    expires = clock_of(svc).now() + dt.timedelta(minutes=CLAIM_MINUTES)
    assert held == {
        "work_code": held["work_code"],
        "status": "awaiting_marks",
        "status_label": "ожидает проверки",
        "tasks": [1, 2],
        "third_mark": False,
        "expires_at": expires.isoformat().replace("+00:00", "Z"),
    }
    assert held["work_code"] in ("Q-001", "Q-002")
    marked = await mark(svc, olympiad_id, held["work_code"], "jury-a", t1="5", t2="5")
    assert marked.status_code == 200, marked.text
    assert await claim_rows(svc, olympiad_id) == []  # the marking fulfilled the claim

    second = await claim(svc, olympiad_id, "jury-a")
    assert second.status_code == 201, second.text
    assert second.json()["work_code"] != held["work_code"]
    await mark(svc, olympiad_id, second.json()["work_code"], "jury-a", t1="5", t2="5")
    nothing = await claim(svc, olympiad_id, "jury-a")
    assert nothing.status_code == 204 and nothing.content == b""


async def test_p69_a_member_never_gets_a_work_they_marked(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    codes = [f"Q-1{n:02d}" for n in range(6)]
    await code_works(svc, olympiad_id, *codes)
    for code in codes[:5]:  # marked by code, the way before the queue
        assert (await mark(svc, olympiad_id, code, "jury-a", t1="3", t2="3")).status_code == 200
    given = await claim(svc, olympiad_id, "jury-a")
    assert given.json()["work_code"] == codes[5]
    await mark(svc, olympiad_id, codes[5], "jury-a", t1="3", t2="3")
    assert (await claim(svc, olympiad_id, "jury-a")).status_code == 204
    # the others still find every work
    other = await claim(svc, olympiad_id, "jury-b")
    assert other.status_code == 201 and other.json()["work_code"] in codes


async def test_p73_third_mark_works_come_first_only_to_a_member_who_has_not_marked(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id, threshold="2")
    codes = [f"Q-2{n:02d}" for n in range(5)]
    await code_works(svc, olympiad_id, *codes)
    await mark(svc, olympiad_id, "Q-203", "jury-a", t1="1", t2="5")
    disputed = await mark(svc, olympiad_id, "Q-203", "jury-b", t1="9", t2="5")
    assert disputed.json()["needs_third_mark_tasks"] == [1]

    # its two markers are not eligible: they get ordinary works
    for member in ("jury-a", "jury-b"):
        got = (await claim(svc, olympiad_id, member)).json()
        assert got["work_code"] != "Q-203" and got["third_mark"] is False
    third = await claim(svc, olympiad_id, "jury-c")
    assert third.status_code == 201
    assert third.json()["work_code"] == "Q-203"
    assert third.json()["third_mark"] is True
    assert third.json()["status"] == "needs_third_mark"
    assert third.json()["tasks"] == [1]  # only the open disputed task (§73)
    # one third member at a time
    fourth = (await claim(svc, olympiad_id, "jury-d")).json()
    assert fourth["work_code"] != "Q-203" and fourth["third_mark"] is False

    decided = await mark(svc, olympiad_id, "Q-203", "jury-c", t1="8")
    assert decided.json()["status"] == "checked"


async def rounds(svc: ServiceHarness, olympiad_id: uuid.UUID, code: str, member: str) -> Any:
    role = Role.JURY_CHAIR if member.startswith("chair") else Role.JURY_MEMBER
    return await svc.client.get(
        f"/olympiads/{olympiad_id}/works/{code}/rounds", headers=svc.auth(role, sub=member)
    )


async def test_p69_p73_only_the_third_member_holding_the_work_and_the_chair_see_its_rounds(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id, threshold="2")
    await code_works(svc, olympiad_id, "Q-251", "Q-252")
    await mark(svc, olympiad_id, "Q-251", "jury-a", t1="1", t2="5")
    # the second member, before and after marking, sees nothing of the first's marks (§69)
    assert (await rounds(svc, olympiad_id, "Q-251", "jury-b")).status_code == 403
    await mark(svc, olympiad_id, "Q-251", "jury-b", t1="9", t2="5.5")
    refused = await rounds(svc, olympiad_id, "Q-251", "jury-b")
    assert refused.status_code == 403 and "п. 69" in refused.json()["detail"]
    # a member not holding the work for its third check does not see them either
    assert (await rounds(svc, olympiad_id, "Q-251", "jury-c")).status_code == 403
    assert (await claim(svc, olympiad_id, "jury-c")).json()["work_code"] == "Q-251"
    seen = await rounds(svc, olympiad_id, "Q-251", "jury-c")
    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert body["disputed_tasks"] == [1]
    assert [(r["label"], r["jury_member_id"], r["task_scores"]) for r in body["rounds"]] == [
        ("1-я проверка", "jury-a", {"1": "1", "2": "5"}),
        ("2-я проверка", "jury-b", {"1": "9", "2": "5.5"}),
    ]
    await mark(svc, olympiad_id, "Q-251", "jury-c", t1="8")
    # checked: the third member no longer holds it; the chair sees all three rounds
    assert (await rounds(svc, olympiad_id, "Q-251", "jury-c")).status_code == 403
    chair = (await rounds(svc, olympiad_id, "Q-251", "chair-ivanova")).json()
    assert [r["label"] for r in chair["rounds"]] == ["1-я проверка", "2-я проверка", "3-я проверка"]
    assert chair["rounds"][2]["task_scores"] == {"1": "8"}


async def test_p108_the_appeal_commission_reads_the_rounds_of_a_checked_work_only(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id, threshold="2")
    await code_works(svc, olympiad_id, "Q-261")
    await mark(svc, olympiad_id, "Q-261", "jury-a", t1="4", t2="5")
    commission = svc.auth(Role.APPEAL_MEMBER, sub="appeal-orlova")
    url = f"/olympiads/{olympiad_id}/works/Q-261/rounds"

    unchecked = await svc.client.get(url, headers=commission)
    assert unchecked.status_code == 403 and "п. 108" in unchecked.json()["detail"]
    await mark(svc, olympiad_id, "Q-261", "jury-b", t1="4.5", t2="5")
    checked = await svc.client.get(url, headers=commission)
    assert checked.status_code == 200, checked.text
    assert [r["task_scores"] for r in checked.json()["rounds"]] == [
        {"1": "4", "2": "5"},
        {"1": "4.5", "2": "5"},
    ]


async def test_a_claim_is_the_same_claim_while_held(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, "Q-301", "Q-302", "Q-303")
    first = await claim(svc, olympiad_id, "jury-a")
    clock_of(svc).advance(dt.timedelta(minutes=5))
    reloads = await asyncio.gather(*(claim(svc, olympiad_id, "jury-a") for _ in range(5)))
    assert {r.status_code for r in reloads} == {201}
    assert all(r.json() == first.json() for r in reloads)  # same work, same expiry
    assert await claim_rows(svc, olympiad_id) == [(first.json()["work_code"], "jury-a")]


async def test_a_released_claim_lets_another_member_take_the_work(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, "Q-401")
    assert (await claim(svc, olympiad_id, "jury-a")).json()["work_code"] == "Q-401"
    assert (await claim(svc, olympiad_id, "jury-b")).json()["work_code"] == "Q-401"
    assert (await claim(svc, olympiad_id, "jury-c")).status_code == 204  # two hands (§69)

    assert (await release(svc, olympiad_id, "Q-401", "jury-a")).status_code == 204
    assert (await release(svc, olympiad_id, "Q-401", "jury-a")).status_code == 204  # nothing held
    taken = await claim(svc, olympiad_id, "jury-c")
    assert taken.status_code == 201 and taken.json()["work_code"] == "Q-401"
    assert await claim_rows(svc, olympiad_id) == [("Q-401", "jury-b"), ("Q-401", "jury-c")]
    unknown = await release(svc, olympiad_id, "Q-499", "jury-a")
    assert unknown.status_code == 404


async def test_a_work_given_back_comes_back_to_that_member_only_after_every_other(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, "Q-451", "Q-452", "Q-453")
    first = (await claim(svc, olympiad_id, "jury-a")).json()["work_code"]
    assert (await release(svc, olympiad_id, first, "jury-a")).status_code == 204
    # (e.g. the member knows the handwriting): the next claims are the other two works
    second = (await claim(svc, olympiad_id, "jury-a")).json()["work_code"]
    assert second != first
    assert (await release(svc, olympiad_id, second, "jury-a")).status_code == 204
    third = (await claim(svc, olympiad_id, "jury-a")).json()["work_code"]
    assert third not in (first, second)
    assert (await release(svc, olympiad_id, third, "jury-a")).status_code == 204
    # given back, the work is free for others at once
    assert (await claim(svc, olympiad_id, "jury-b")).status_code == 201
    # with every work given back, one of them comes back rather than "nothing left"
    assert (await claim(svc, olympiad_id, "jury-a")).status_code == 201


async def test_an_expired_claim_stops_counting(svc: ServiceHarness, olympiad_id: uuid.UUID) -> None:
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, "Q-501")
    await claim(svc, olympiad_id, "jury-a")
    await claim(svc, olympiad_id, "jury-b")
    assert (await claim(svc, olympiad_id, "jury-c")).status_code == 204
    clock_of(svc).advance(dt.timedelta(minutes=CLAIM_MINUTES - 1))
    assert (await claim(svc, olympiad_id, "jury-c")).status_code == 204
    clock_of(svc).advance(dt.timedelta(minutes=1))  # at expires_at: no longer held

    assert (await claim(svc, olympiad_id, "jury-c")).json()["work_code"] == "Q-501"
    assert (await claim(svc, olympiad_id, "jury-d")).json()["work_code"] == "Q-501"
    # jury-a's claim is gone with time: the places are jury-c's and jury-d's now
    late = await mark(svc, olympiad_id, "Q-501", "jury-a", t1="4", t2="4")
    assert late.status_code == 409
    assert late.json()["type"].endswith("/claimed-by-others")
    # the expired claim is gone as soon as its work is touched again
    assert await claim_rows(svc, olympiad_id) == [("Q-501", "jury-c"), ("Q-501", "jury-d")]
    # jury-a asks again and finds nothing: both places are taken
    assert (await claim(svc, olympiad_id, "jury-a")).status_code == 204


async def test_a_member_without_a_claim_is_refused_when_others_hold_the_places(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id, threshold="2")
    await code_works(svc, olympiad_id, "Q-601", "Q-602")
    # the queue orders works per member; mark the other work first so both claims land on Q-601
    await mark(svc, olympiad_id, "Q-602", "jury-x", t1="1", t2="1")
    await mark(svc, olympiad_id, "Q-602", "jury-y", t1="1", t2="1")
    assert (await claim(svc, olympiad_id, "jury-a")).json()["work_code"] == "Q-601"
    assert (await claim(svc, olympiad_id, "jury-b")).json()["work_code"] == "Q-601"

    refused = await mark(svc, olympiad_id, "Q-601", "jury-c", t1="4", t2="4")
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["type"].endswith("/claimed-by-others")
    assert "п. 69" in problem["detail"] and "следующую работу" in problem["detail"]

    # the claimants mark; a two-point gap on task 1 is within the threshold, task 2 is disputed
    assert (await mark(svc, olympiad_id, "Q-601", "jury-a", t1="4", t2="1")).status_code == 200
    second = await mark(svc, olympiad_id, "Q-601", "jury-b", t1="6", t2="9")
    assert second.json()["needs_third_mark_tasks"] == [2]
    assert await claim_rows(svc, olympiad_id) == []

    # a third member's place taken by a claim: a member without one is refused (§73)
    assert (await claim(svc, olympiad_id, "jury-c")).json()["work_code"] == "Q-601"
    other_third = await mark(svc, olympiad_id, "Q-601", "jury-d", t2="5")
    assert other_third.status_code == 409
    assert other_third.json()["type"].endswith("/claimed-by-others")
    assert (await mark(svc, olympiad_id, "Q-601", "jury-c", t2="5")).status_code == 200


async def test_nothing_left_answers_204_and_no_criteria_409(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    missing = await claim(svc, olympiad_id, "jury-a")
    assert missing.status_code == 409
    assert missing.json()["type"].endswith("/criteria-missing")
    await set_scheme(svc, olympiad_id)
    assert (await claim(svc, olympiad_id, "jury-a")).status_code == 204  # no works coded yet
    await code_works(svc, olympiad_id, "Q-701")
    annulled = await svc.client.post(
        f"/olympiads/{olympiad_id}/works/Q-701/annulment",
        json={"reason": "identifying_marks"},
        headers=svc.auth(Role.JURY_CHAIR, sub=CHAIR),
    )
    assert annulled.status_code == 200
    assert (await claim(svc, olympiad_id, "jury-a")).status_code == 204  # annulled: not checked

    physics = await svc.client.post(
        base(olympiad_id) + "/claims",
        headers=svc.auth(Role.JURY_MEMBER, sub="jury-p", scopes={ScopeKind.SUBJECT: ["physics"]}),
    )
    assert physics.status_code == 403
    observer = await svc.client.post(base(olympiad_id) + "/claims", headers=svc.auth(Role.OBSERVER))
    assert observer.status_code == 403


async def test_an_annulment_voids_the_claims_on_the_work(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, "Q-801")
    assert (await claim(svc, olympiad_id, "jury-a")).json()["work_code"] == "Q-801"
    await svc.client.post(
        f"/olympiads/{olympiad_id}/works/Q-801/annulment",
        json={"reason": "identifying_marks"},
        headers=svc.auth(Role.JURY_CHAIR, sub=CHAIR),
    )
    assert await claim_rows(svc, olympiad_id) == []
    assert (await claim(svc, olympiad_id, "jury-a")).status_code == 204


async def test_p69_a_member_sees_only_their_own_line_of_the_marking_progress(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id, threshold="2")
    await code_works(svc, olympiad_id, "Q-901", "Q-902", "Q-903")
    await mark(svc, olympiad_id, "Q-901", "jury-a", t1="1", t2="5")
    await mark(svc, olympiad_id, "Q-901", "jury-b", t1="9", t2="5")  # task 1 disputed
    await mark(svc, olympiad_id, "Q-902", "jury-a", t1="5", t2="5")
    await mark(svc, olympiad_id, "Q-902", "jury-b", t1="5", t2="6")
    await mark(svc, olympiad_id, "Q-901", "jury-c", t1="8")
    held = (await claim(svc, olympiad_id, "jury-b")).json()
    assert held["work_code"] == "Q-903"

    own = await marking_progress(svc, olympiad_id, svc.auth(Role.JURY_MEMBER, sub="jury-a"))
    totals = {
        "works_total": 3,
        "works_checked": 2,
        "works_awaiting_marks": 1,
        "works_awaiting_results": 0,
        "works_needing_third_mark": 0,
        "works_annulled": 0,
        "works_claimed": 1,
    }
    assert own == {
        "totals": totals,
        "members": [
            {"jury_member_id": "jury-a", "works_marked": 2, "third_marks": 0, "claims": []}
        ],
        "tasks": None,
    }
    assert "jury-b" not in str(own) and "jury-c" not in str(own)

    chair = await marking_progress(svc, olympiad_id, svc.auth(Role.JURY_CHAIR, sub=CHAIR))
    assert chair["totals"] == totals
    lines = {line["jury_member_id"]: line for line in chair["members"]}
    assert sorted(lines) == ["jury-a", "jury-b", "jury-c"]
    assert lines["jury-b"]["claims"] == [
        {"work_code": "Q-903", "expires_at": held["expires_at"], "third_mark": False}
    ]
    assert (lines["jury-c"]["works_marked"], lines["jury-c"]["third_marks"]) == (0, 1)
    assert chair["tasks"] == [
        {"task_number": 1, "marks": 5, "pairs": 2, "disputed": 1, "discrepancy_rate": "0.5"},
        {"task_number": 2, "marks": 4, "pairs": 2, "disputed": 0, "discrepancy_rate": "0"},
    ]
    # a member with nothing done yet still gets their (empty) line, never the others'
    newcomer = await marking_progress(svc, olympiad_id, svc.auth(Role.JURY_MEMBER, sub="jury-z"))
    assert newcomer["members"] == [
        {"jury_member_id": "jury-z", "works_marked": 0, "third_marks": 0, "claims": []}
    ]


# --- thirty members at once ------------------------------------------------------------------

MEMBERS = 30
WORKS = 60

# Test-only instrument: every claim written is logged with the hands on its work at that moment,
# counted inside the writing transaction (which holds the work's row lock, so the count is exact).
# The clock stands still during the test, so no claim expires and every row counts.
WATCH = (
    """CREATE TABLE claim_watch (
        work_code text, jury_member_id text, status text, markers int, claimants int,
        member_marked boolean
    )""",
    """CREATE FUNCTION claim_watch() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO claim_watch
        SELECT NEW.work_code, NEW.jury_member_id, w.status,
            (SELECT count(DISTINCT m.jury_member_id) FROM marks m
                WHERE m.olympiad_id = NEW.olympiad_id AND m.work_code = NEW.work_code),
            (SELECT count(*) FROM claims c
                WHERE c.olympiad_id = NEW.olympiad_id AND c.work_code = NEW.work_code),
            EXISTS (SELECT 1 FROM marks m WHERE m.olympiad_id = NEW.olympiad_id
                AND m.work_code = NEW.work_code AND m.jury_member_id = NEW.jury_member_id)
        FROM works w WHERE w.olympiad_id = NEW.olympiad_id AND w.work_code = NEW.work_code;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER claim_watch AFTER INSERT OR UPDATE ON claims
        FOR EACH ROW EXECUTE FUNCTION claim_watch()""",
)
UNWATCH = (
    "DROP TRIGGER claim_watch ON claims",
    "DROP FUNCTION claim_watch()",
    "DROP TABLE claim_watch",
)
# transactions of the service open at one instant, as PostgreSQL itself sees them
OPEN_TRANSACTIONS = """
    SELECT count(*) FROM pg_stat_activity
    WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid()
"""


def points_of(member: int, code: str, task: int) -> str:
    """Task 1 spreads 2..8 by member and work, so about half the pairs differ by more than 2."""
    if task != 1:
        return "5"
    return str(2 + 2 * ((member + int(code.removeprefix("C-"))) % 4))


async def test_thirty_members_mark_sixty_works_concurrently_through_the_queue(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id, threshold="2")
    codes = [f"C-{n:03d}" for n in range(WORKS)]
    await code_works(svc, olympiad_id, *codes)
    async with svc.uows() as uow:
        for statement in WATCH:
            await uow.session.execute(sa.text(statement))
        await uow.session.commit()

    statuses: list[int] = []
    given: dict[str, list[str]] = defaultdict(list)
    in_flight = 0
    most_in_flight = 0
    chair = svc.auth(Role.JURY_CHAIR, sub=CHAIR)

    async def call(request: Any) -> Any:
        nonlocal in_flight, most_in_flight
        in_flight += 1
        most_in_flight = max(most_in_flight, in_flight)
        try:
            response = await request
        finally:
            in_flight -= 1
        statuses.append(response.status_code)
        return response

    async def all_checked() -> bool:
        found = await svc.client.get(base(olympiad_id) + "/progress", headers=chair)
        return bool(found.json()["all_checked"])

    async def jury_member(index: int) -> None:
        member = f"jury-{index:02d}"
        headers = svc.auth(Role.JURY_MEMBER, sub=member)
        for _ in range(500):
            taken = await call(svc.client.post(base(olympiad_id) + "/claims", headers=headers))
            if taken.status_code == 204:
                if await all_checked():
                    return
                # others hold the last places; a disputed task may still come this member's way
                await asyncio.sleep(0.01)
                continue
            if taken.status_code == 409 and taken.json()["type"].endswith("/claims-busy"):
                continue
            assert taken.status_code == 201, taken.text
            work = taken.json()
            given[work["work_code"]].append(member)
            scores = {str(t): points_of(index, work["work_code"], t) for t in work["tasks"]}
            marked = await call(
                svc.client.post(
                    f"/olympiads/{olympiad_id}/works/{work['work_code']}/marks",
                    json={"task_scores": scores},
                    headers=headers,
                )
            )
            assert marked.status_code == 200, marked.text
        raise AssertionError(f"{member} did not finish")

    most_open = 0
    done = asyncio.Event()

    async def watch_the_database() -> None:
        nonlocal most_open
        engine = create_async_engine(svc.database_url, poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                while not done.is_set():
                    found = await connection.scalar(sa.text(OPEN_TRANSACTIONS))
                    most_open = max(most_open, int(found or 0))
                    await connection.rollback()
                    await asyncio.sleep(0.002)
        finally:
            await engine.dispose()

    try:
        watcher = asyncio.create_task(watch_the_database())
        try:
            await asyncio.gather(*(jury_member(i) for i in range(1, MEMBERS + 1)))
        finally:
            done.set()
            await watcher
        async with svc.uows() as uow:
            watched = (await uow.session.execute(sa.text("SELECT * FROM claim_watch"))).all()
            work_marks = (
                await uow.session.execute(
                    sa.select(marks.c.work_code, marks.c.jury_member_id, marks.c.points)
                    .where(marks.c.olympiad_id == olympiad_id, marks.c.task_number == 1)
                    .order_by(marks.c.id)
                )
            ).all()
    finally:
        async with svc.uows() as uow:
            for statement in UNWATCH:
                await uow.session.execute(sa.text(statement))
            await uow.session.commit()

    assert all(status < 500 for status in statuses), sorted(set(statuses))
    assert most_in_flight > MEMBERS // 2, "the requests did not run concurrently"
    assert most_open > 1, "the database never saw two transactions at once"
    assert await all_checked()
    assert await claim_rows(svc, olympiad_id) == []  # every claim was fulfilled

    # at every claim written: the member had not marked the work, and the hands were within the
    # rules — two for a work awaiting marks (§69), one third member at a time (§73)
    assert len(watched) == sum(len(members) for members in given.values())
    for row in watched:
        assert not row.member_marked, row
        if row.status == "awaiting_marks":
            assert row.markers + row.claimants <= 2, row
        else:
            assert row.status == "needs_third_mark" and row.markers == 2, row
            assert row.claimants == 1, row

    # every work: exactly its two first members, and a third exactly when task 1 was disputed
    by_work: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for row in work_marks:
        by_work[row.work_code].append((row.jury_member_id, row.points))
    assert sorted(by_work) == codes
    for code in codes:
        listed = by_work[code]
        assert len({member for member, _ in listed}) == len(listed), code
        (_, first), (_, second) = listed[:2]
        assert len(listed) == (3 if abs(first - second) > 2 else 2), (code, listed)
        assert sorted(given[code]) == sorted(member for member, _ in listed), code
