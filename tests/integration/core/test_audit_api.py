"""The audit trail over HTTP (`GET /audit`, `GET /audit/verify`), on a real service and its real
PostgreSQL: entries listed with their chain links, filtered, paged; a row rewritten behind the
service's back is named by verify; only the observer and the organisers read it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from olymp_core.audit import GENESIS_HASH
from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock
from olymp_core.testing.service import ServiceHarness, running_service

pytestmark = pytest.mark.integration

# 08:00 in Omsk on the olympiad day
MORNING = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
OMSK = dt.timezone(dt.timedelta(hours=6))
READERS = (Role.OBSERVER, Role.MUNICIPAL_COORDINATOR, Role.COORDINATOR)


async def record(svc: ServiceHarness, clock: ManualClock, *entries: tuple[str, str, str]) -> None:
    """(action, object_type, object_id) entries, one a minute, each in its own transaction."""
    for action, object_type, object_id in entries:
        clock.advance(dt.timedelta(minutes=1))
        async with svc.uows() as uow:
            await uow.audit(
                actor="jury-sokolova",
                action=action,
                object_type=object_type,
                object_id=object_id,
                payload={"task_scores": {"1": "7.5", "2": "3"}, "note": "Ёлкина-Петрова"},
            )
            await uow.commit()


# The day's trail: seq 1..7, at 08:01 .. 08:07 Omsk time.
DAY = (
    ("work.marked", "work", "МАТ-9-017"),
    ("work.marked", "work", "МАТ-9-018"),
    ("workXmarked", "work", "МАТ-9-017"),  # a LIKE wildcard in a prefix must not reach this one
    ("work.annulled", "work", "МАТ-9-018"),
    ("scheme.set", "subject_grade", "math/9"),
    ("work.marked", "work", "МАТ-9-017"),
    ("work_marked", "work", "МАТ-9-019"),
)


@pytest.fixture(scope="module")
async def svc(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ServiceHarness]:
    clock = ManualClock(MORNING)
    async with running_service(
        "scoring", tmp_path_factory.mktemp("scoring"), clock=clock
    ) as harness:
        await record(harness, clock, *DAY)
        yield harness


async def read(
    svc: ServiceHarness, path: str = "/audit", *, role: Role = Role.OBSERVER, **params: Any
) -> Any:
    response = await svc.client.get(path, params=params, headers=svc.auth(role, sub="nabl-orlova"))
    assert response.status_code == 200, response.text
    return response.json()


async def test_entries_come_newest_first_each_linked_to_the_one_before(svc: ServiceHarness) -> None:
    page = await read(svc)
    assert page["service"] == "scoring" and page["head_seq"] == 7
    assert [e["seq"] for e in page["entries"]] == [7, 6, 5, 4, 3, 2, 1]
    assert page["next_cursor"] is None
    oldest = page["entries"][-1]
    assert oldest["prev_hash"] == GENESIS_HASH
    for later, earlier in zip(page["entries"], page["entries"][1:], strict=False):
        assert later["prev_hash"] == earlier["hash"]
    assert all(e["hash_matches"] for e in page["entries"])
    assert oldest == {
        "seq": 1,
        "at": "2026-11-20T02:01:00Z",
        "actor": "jury-sokolova",
        "action": "work.marked",
        "object_type": "work",
        "object_id": "МАТ-9-017",
        "payload": {"task_scores": {"1": "7.5", "2": "3"}, "note": "Ёлкина-Петрова"},
        "prev_hash": GENESIS_HASH,
        "hash": oldest["hash"],
        "hash_matches": True,
    }
    assert len(oldest["hash"]) == 64


async def test_filters_combine_and_a_prefix_is_taken_literally(svc: ServiceHarness) -> None:
    def seqs(page: Any) -> list[int]:
        return [e["seq"] for e in page["entries"]]

    assert seqs(await read(svc, action="work.", order="asc")) == [1, 2, 4, 6]
    assert seqs(await read(svc, action="work_", order="asc")) == [7]
    assert seqs(await read(svc, action="work.marked", object_id="МАТ-9-017")) == [6, 1]
    assert seqs(await read(svc, object_type="subject_grade")) == [5]
    # 08:02 up to (not including) 08:05 Omsk time, given in Omsk's offset
    since = dt.datetime(2026, 11, 20, 8, 2, tzinfo=OMSK).isoformat()
    until = dt.datetime(2026, 11, 20, 8, 5, tzinfo=OMSK).isoformat()
    assert seqs(await read(svc, order="asc", since=since, until=until)) == [2, 3, 4]
    assert seqs(await read(svc, action="work.", since=since, until=until)) == [4, 2]
    assert seqs(await read(svc, object_id="МАТ-9-999")) == []


async def test_pages_follow_the_cursor_in_either_order(svc: ServiceHarness) -> None:
    first = await read(svc, limit=3)
    assert ([e["seq"] for e in first["entries"]], first["next_cursor"]) == ([7, 6, 5], 5)
    second = await read(svc, limit=3, cursor=5)
    assert ([e["seq"] for e in second["entries"]], second["next_cursor"]) == ([4, 3, 2], 2)
    last = await read(svc, limit=3, cursor=2)
    assert ([e["seq"] for e in last["entries"]], last["next_cursor"]) == ([1], None)
    forward = await read(svc, limit=4, order="asc", cursor=2)
    assert [e["seq"] for e in forward["entries"]] == [3, 4, 5, 6]
    assert forward["next_cursor"] == 6
    filtered = await read(svc, action="work.", limit=2, cursor=6)
    assert [e["seq"] for e in filtered["entries"]] == [4, 2]


async def test_an_untouched_trail_verifies(svc: ServiceHarness) -> None:
    verdict = await read(svc, "/audit/verify", role=Role.MUNICIPAL_COORDINATOR)
    assert verdict["intact"] is True
    assert (verdict["entries_checked"], verdict["first_bad_seq"], verdict["reason"]) == (
        7,
        None,
        None,
    )
    assert verdict["summary"] == "Цепочка записей цела: проверено записей — 7."
    assert verdict["service"] == "scoring"


@pytest.mark.parametrize("role", READERS)
async def test_the_observer_and_the_organisers_read_the_trail(
    svc: ServiceHarness, role: Role
) -> None:
    # an observer accredited for one venue still reads the whole trail (§18: every procedure)
    scopes = {ScopeKind.VENUE: ["МБОУ «СОШ № 1»"]} if role is Role.OBSERVER else None
    headers = svc.auth(role, scopes=scopes)
    for path in ("/audit", "/audit/verify"):
        assert (await svc.client.get(path, headers=headers)).status_code == 200


@pytest.mark.parametrize(
    "role",
    [
        Role.PARTICIPANT,
        Role.JURY_CHAIR,
        Role.JURY_MEMBER,
        Role.VENUE_COORDINATOR,
        Role.CODING_OFFICER,
        Role.APPEAL_MEMBER,
        Role.SCANNER,
    ],
)
async def test_everyone_else_is_refused(svc: ServiceHarness, role: Role) -> None:
    for path in ("/audit", "/audit/verify"):
        refused = await svc.client.get(path, headers=svc.auth(role))
        assert refused.status_code == 403, refused.text
        assert "общественный наблюдатель" in refused.json()["detail"]


async def test_without_a_token_nothing_is_read(svc: ServiceHarness) -> None:
    for path in ("/audit", "/audit/verify"):
        assert (await svc.client.get(path)).status_code == 401


@pytest.mark.parametrize(
    "params",
    [
        {"since": "2026-11-20T08:00:00"},  # no zone: which 08:00?
        {"until": "0001-01-01T00:00:00+14:00"},
        {"cursor": str(2**63)},
        {"limit": "0"},
        {"limit": "501"},
        {"order": "sideways"},
    ],
)
async def test_a_wrong_query_is_refused_with_its_field(
    svc: ServiceHarness, params: dict[str, str]
) -> None:
    refused = await svc.client.get("/audit", params=params, headers=svc.auth(Role.OBSERVER))
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")


async def test_a_rewritten_row_is_found_and_named(tmp_path: Path) -> None:
    """A superuser changes a mark in the trail with the append-only trigger off: the listing shows
    the entry no longer matches its hash, and verify names it, the entries before it intact."""
    clock = ManualClock(MORNING)
    async with running_service("scoring", tmp_path, clock=clock) as svc:
        await record(svc, clock, *DAY[:5])
        engine = create_async_engine(svc.database_url)
        try:
            async with engine.begin() as conn:
                await conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
                await conn.execute(
                    sa.text(
                        "UPDATE audit_log SET payload = jsonb_set(payload, '{task_scores,1}', "
                        "'\"10\"') WHERE seq = 3"
                    )
                )
        finally:
            await engine.dispose()

        verdict = await read(svc, "/audit/verify", role=Role.COORDINATOR)
        assert verdict["intact"] is False
        assert (verdict["first_bad_seq"], verdict["reason"], verdict["entries_checked"]) == (
            3,
            "changed",
            2,
        )
        assert verdict["summary"].startswith(
            "Цепочка записей нарушена: запись № 3 изменена после внесения. Записи № 1–2 целы."
        )
        listed = {e["seq"]: e for e in (await read(svc))["entries"]}
        assert listed[3]["payload"]["task_scores"]["1"] == "10"
        assert [seq for seq, e in sorted(listed.items()) if not e["hash_matches"]] == [3]
