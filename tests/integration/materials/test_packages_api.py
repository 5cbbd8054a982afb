"""The materials service end to end over HTTP: a package's key is withheld until its instant (§24).

Real PostgreSQL, RabbitMQ and a local object store; time is a ManualClock moved by the test.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import uuid
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock
from olymp_core.contracts.registration import OlympiadCreated, ScheduledSubject
from olymp_core.testing.events import deliver, eventually
from olymp_core.testing.service import ServiceHarness, running_service
from olymp_materials.domain import decrypt_package
from olymp_materials.feed.background import ReleaseTimer
from olymp_materials.main import build
from tests.integration.materials.feedkit import feed_part
from tests.support.archives import winzip_aes

pytestmark = pytest.mark.integration

OMSK = "Asia/Omsk"  # UTC+6
DAY = dt.date(2025, 10, 14)
TASKS_AT = dt.datetime(2025, 10, 14, 2, 0, tzinfo=dt.UTC)  # 08:00 in Omsk
CRITERIA_AT = dt.datetime(2025, 10, 14, 6, 0, tzinfo=dt.UTC)  # 12:00 in Omsk
BEFORE = dt.datetime(2025, 10, 14, 0, 0, tzinfo=dt.UTC)  # 06:00 in Omsk
PASSWORD = "Ust-Ishim-arch1ve-7731"
TASKS_FILE = winzip_aes(PASSWORD, {"zadaniya_7-11.pdf": b"%PDF-1.4 tasks for grades 7-11 " * 64})
FAST = {"release_poll_interval_s": 0.05}


def olympiad_created(olympiad_id: uuid.UUID, *subjects: str) -> OlympiadCreated:
    start = dt.datetime(2025, 10, 14, 4, 0, tzinfo=dt.UTC)
    return OlympiadCreated(
        olympiad_id=olympiad_id,
        title="Муниципальный этап ВсОШ 2025/26",
        time_zone=OMSK,
        subjects=tuple(
            ScheduledSubject(
                subject_code=code,
                day=DAY,
                round_starts_at=start,
                round_ends_at=start + dt.timedelta(hours=3),
            )
            for code in subjects
        ),
    )


async def learn_olympiad(svc: ServiceHarness, event: OlympiadCreated) -> None:
    await deliver(svc.service, event)


async def scalar(svc: ServiceHarness, sql: str, **params: Any) -> Any:
    async with svc.uows() as uow:
        return (await uow.session.execute(sa.text(sql), params)).scalar_one()


async def upload(
    svc: ServiceHarness,
    olympiad_id: uuid.UUID,
    kind: str,
    content: bytes = TASKS_FILE,
    *,
    subject: str = "math",
    password: str | None = None,
    release_at: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    default = svc.auth(Role.COORDINATOR, sub="region-coordinator")
    request_headers = dict(default if headers is None else headers)
    if password is not None:
        request_headers["X-Package-Password"] = password
    params = {"release_at": release_at} if release_at else {}
    return await svc.client.post(
        f"/olympiads/{olympiad_id}/subjects/{subject}/packages/{kind}",
        content=content,
        params=params,
        headers=request_headers,
    )


async def released(svc: ServiceHarness, olympiad_id: uuid.UUID) -> dict[str, bool]:
    response = await svc.client.get(
        f"/olympiads/{olympiad_id}/packages", headers=svc.auth(Role.OBSERVER)
    )
    assert response.status_code == 200, response.text
    return {item["kind"]: item["released"] for item in response.json()["items"]}


async def database_text(svc: ServiceHarness) -> str:
    """Every row of every table of the service's database, as PostgreSQL renders it (bytea as hex)."""
    rows: list[str] = []
    async with svc.uows() as uow:
        tables = (
            await uow.session.execute(
                sa.text(
                    "SELECT quote_ident(table_name) FROM information_schema.tables "
                    "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                )
            )
        ).scalars()
        for table in list(tables):
            result = await uow.session.execute(sa.text(f"SELECT t::text FROM {table} t"))
            rows.extend(result.scalars())
    return "\n".join(rows).lower()


def secret_forms(key: bytes, password: str) -> list[str]:
    """The ways a key or password could show up in a table or a response body."""
    return [
        base64.b64encode(key).decode().lower(),
        base64.urlsafe_b64encode(key).decode().lower(),
        key.hex(),
        password.lower(),
        password.encode().hex(),
    ]


async def test_p24_key_withheld_until_0800_then_released_exactly_once(tmp_path: Path) -> None:
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    async with running_service("materials", tmp_path, clock=clock, **FAST) as svc:
        await learn_olympiad(svc, olympiad_created(olympiad_id, "math"))
        seen: list[httpx.Response] = []

        tasks = await upload(svc, olympiad_id, "tasks", password=PASSWORD)
        criteria = await upload(svc, olympiad_id, "criteria", b"criteria, 3 tasks x 10 points")
        seen += [tasks, criteria]
        assert tasks.status_code == 201, tasks.text
        body = tasks.json()
        package_id = body["package_id"]
        assert dt.datetime.fromisoformat(body["release_at"]) == TASKS_AT
        assert dt.datetime.fromisoformat(criteria.json()["release_at"]) == CRITERIA_AT
        assert body["size"] == len(TASKS_FILE) and len(body["sha256"]) == 64

        key_url = f"/olympiads/{olympiad_id}/packages/{package_id}/key"
        content_url = f"/olympiads/{olympiad_id}/packages/{package_id}/content"
        municipal = svc.auth(Role.MUNICIPAL_COORDINATOR, sub="ust-ishim")
        early = await svc.client.get(key_url, headers=municipal)
        seen.append(early)
        assert early.status_code == 403
        assert early.headers["content-type"].startswith("application/problem+json")
        assert early.json()["detail"] == (
            "Пакет ещё не раскрыт: ключ будет доступен в 08:00 14.10.2025 (Asia/Omsk)."
        )
        seen.append(await svc.client.get(content_url, headers=municipal))
        assert seen[-1].status_code == 403
        listing = await svc.client.get(
            f"/olympiads/{olympiad_id}/packages", headers=svc.auth(Role.VENUE_COORDINATOR)
        )
        seen.append(listing)
        assert [i["released"] for i in listing.json()["items"]] == [False, False]

        # a job with a fast clock marked it released: the endpoint still asks its own clock
        async with svc.uows() as uow:
            await uow.session.execute(
                sa.text("UPDATE packages SET released_at = :at WHERE package_id = :id"),
                {"at": TASKS_AT, "id": uuid.UUID(package_id)},
            )
            await uow.commit()
        seen.append(await svc.client.get(key_url, headers=municipal))
        assert seen[-1].status_code == 403
        async with svc.uows() as uow:
            await uow.session.execute(sa.text("UPDATE packages SET released_at = NULL"))
            await uow.commit()

        clock.set(TASKS_AT - dt.timedelta(seconds=1))
        seen.append(await svc.client.get(key_url, headers=municipal))
        assert seen[-1].status_code == 403

        clock.set(TASKS_AT)
        await eventually(
            lambda: _is(released(svc, olympiad_id), {"tasks": True, "criteria": False})
        )

        opened = await svc.client.get(key_url, headers=municipal)
        assert opened.status_code == 200, opened.text
        assert opened.json()["password"] == PASSWORD
        key = base64.b64decode(opened.json()["key_b64"])
        # the key really opens what object storage holds
        object_key = await scalar(
            svc, "SELECT object_key FROM packages WHERE package_id = :id", id=uuid.UUID(package_id)
        )
        assert olympiad_id.hex not in object_key and "math" not in object_key
        stored = await svc.service.runtime.objects.get(object_key)
        assert TASKS_FILE not in stored
        assert decrypt_package(key, uuid.UUID(package_id), stored) == TASKS_FILE
        content = await svc.client.get(content_url, headers=svc.auth(Role.VENUE_COORDINATOR))
        assert content.status_code == 200 and content.content == TASKS_FILE

        forms = secret_forms(key, PASSWORD)
        for response in seen:
            text = response.content.decode(errors="replace").lower()
            assert not [f for f in forms if f in text], response.text
            assert key not in response.content
        tables = await database_text(svc)
        assert body["sha256"] in tables and PASSWORD not in tables  # the scan does reach packages
        assert [form for form in forms if form in tables] == []

        criteria_id = criteria.json()["package_id"]
        still_closed = await svc.client.get(
            f"/olympiads/{olympiad_id}/packages/{criteria_id}/key", headers=municipal
        )
        assert still_closed.status_code == 403
        assert "12:00 14.10.2025" in still_closed.json()["detail"]

        # more release passes, concurrent ones and another key access release nothing twice
        timer = feed_part(svc, ReleaseTimer)
        passes = await asyncio.gather(timer.release(), timer.release(), timer.release())
        assert list(passes) == [0, 0, 0]
        assert (
            await svc.client.get(key_url, headers=svc.auth(Role.COORDINATOR))
        ).status_code == 200
        event_count = await scalar(
            svc,
            "SELECT count(*) FROM outbox WHERE routing_key = 'materials.package_released.v1' "
            "AND payload->>'package_id' = :id",
            id=package_id,
        )
        released_audits = await scalar(
            svc,
            "SELECT count(*) FROM audit_log WHERE action = 'package_released' AND object_id = :id",
            id=package_id,
        )
        key_audits = await scalar(
            svc,
            "SELECT count(*) FROM audit_log WHERE action = 'package_key_accessed' "
            "AND object_id = :id",
            id=package_id,
        )
        assert (event_count, released_audits, key_audits) == (1, 1, 2)
        await eventually(
            lambda: scalar(svc, "SELECT count(*) = 0 FROM outbox WHERE published_at IS NULL")
        )

        replace = await upload(svc, olympiad_id, "tasks", b"a corrected package")
        assert replace.status_code == 409
        assert "уже раскрыт" in replace.json()["detail"]
        # the first upload's retry arriving after the instant (its answer was lost): the same
        # package, not a refusal
        retried = await upload(svc, olympiad_id, "tasks", password=PASSWORD)
        assert retried.status_code == 201, retried.text
        assert (retried.json()["package_id"], retried.json()["version"]) == (package_id, 1)


async def _is(value: Awaitable[dict[str, bool]], expected: dict[str, bool]) -> bool:
    return await value == expected


async def test_p24_default_instants_learnt_from_olympiad_created_event(tmp_path: Path) -> None:
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    async with running_service("materials", tmp_path, clock=clock, **FAST) as svc:
        unknown = await upload(svc, olympiad_id, "tasks")
        assert unknown.status_code == 422
        assert "укажите release_at" in unknown.json()["detail"]

        # through the broker, as registration would publish it
        async with svc.uows() as uow:
            uow.publish(olympiad_created(olympiad_id, "math", "physics"))
            await uow.commit()
        await eventually(
            lambda: scalar(
                svc,
                "SELECT count(*) = 2 FROM olympiad_subjects WHERE olympiad_id = :id",
                id=olympiad_id,
            )
        )
        tasks = await upload(svc, olympiad_id, "tasks", subject="physics")
        criteria = await upload(svc, olympiad_id, "criteria", subject="physics")
        assert tasks.status_code == criteria.status_code == 201
        assert dt.datetime.fromisoformat(tasks.json()["release_at"]) == TASKS_AT
        assert dt.datetime.fromisoformat(criteria.json()["release_at"]) == CRITERIA_AT

        chosen = await upload(svc, olympiad_id, "tasks", release_at="2025-10-14T09:30:00+06:00")
        assert chosen.status_code == 201
        assert dt.datetime.fromisoformat(chosen.json()["release_at"]) == dt.datetime(
            2025, 10, 14, 3, 30, tzinfo=dt.UTC
        )
        # a second upload before the instant replaces the package in place
        again = await upload(
            svc, olympiad_id, "tasks", b"corrected", release_at="2025-10-14T02:00Z"
        )
        assert again.status_code == 201
        assert again.json()["package_id"] == chosen.json()["package_id"]
        assert again.json()["size"] == len(b"corrected")

        naive = await upload(svc, olympiad_id, "criteria", release_at="2025-10-14T12:00:00")
        assert naive.status_code == 422
        assert (await upload(svc, olympiad_id, "answers")).status_code == 422
        assert (await upload(svc, olympiad_id, "tasks", subject="alchemy")).status_code == 422
        assert (await upload(svc, olympiad_id, "tasks", b"")).status_code == 422


async def test_the_same_upload_sent_again_is_one_version(tmp_path: Path) -> None:
    """A retry after a lost answer sends the same bytes, instant and password: the package keeps
    its key and version and the mirrors are not sent a second announcement."""
    olympiad_id = uuid.uuid4()
    at = "2025-10-14T08:00:00+06:00"
    async with running_service("materials", tmp_path, clock=ManualClock(BEFORE), **FAST) as svc:
        first = await upload(svc, olympiad_id, "tasks", release_at=at)
        again = await upload(svc, olympiad_id, "tasks", release_at=at)
        assert first.status_code == again.status_code == 201, again.text
        assert again.json()["version"] == first.json()["version"] == 1
        assert again.json()["package_id"] == first.json()["package_id"]
        feed_rows = "SELECT count(*) FROM feed"
        assert await scalar(svc, feed_rows) == 1

        later = await upload(svc, olympiad_id, "tasks", release_at="2025-10-14T08:30:00+06:00")
        changed = await upload(svc, olympiad_id, "tasks", b"corrected", release_at=at)
        assert (later.json()["version"], changed.json()["version"]) == (2, 3)
        assert await scalar(svc, feed_rows) == 3


async def test_p24_service_down_at_the_instant_releases_at_start_up(tmp_path: Path) -> None:
    clock = ManualClock(BEFORE)
    olympiad_id = uuid.uuid4()
    slow = {"release_poll_interval_s": 3600.0, "sweep_interval_s": 3600.0}
    async with running_service("materials", tmp_path, clock=clock, **slow) as svc:
        await learn_olympiad(svc, olympiad_created(olympiad_id, "math"))
        assert (await upload(svc, olympiad_id, "tasks")).status_code == 201
        clock.set(TASKS_AT + dt.timedelta(hours=1))
        # this instance's sweep already ran and sleeps for an hour: it stands for the one that was down
        assert await scalar(svc, "SELECT count(*) FROM packages WHERE released_at IS NULL") == 1

        restarted = build(svc.service.runtime.settings, clock=clock)
        async with restarted.app.router.lifespan_context(restarted.app):
            await eventually(
                lambda: scalar(svc, "SELECT count(*) = 0 FROM packages WHERE released_at IS NULL")
            )
        assert await scalar(svc, "SELECT released_at FROM packages") == TASKS_AT + dt.timedelta(
            hours=1
        )


async def test_package_routes_require_a_token_and_the_right_role(tmp_path: Path) -> None:
    clock = ManualClock(TASKS_AT)
    olympiad_id = uuid.uuid4()
    async with running_service("materials", tmp_path, clock=clock, **FAST) as svc:
        await learn_olympiad(svc, olympiad_created(olympiad_id, "math"))
        package = await upload(svc, olympiad_id, "tasks")
        assert package.status_code == 201
        base = f"/olympiads/{olympiad_id}/packages/{package.json()['package_id']}"

        assert (await upload(svc, olympiad_id, "tasks", headers={})).status_code == 401
        assert (await svc.client.get(base + "/key")).status_code == 401
        municipal = await upload(
            svc, olympiad_id, "tasks", headers=svc.auth(Role.MUNICIPAL_COORDINATOR)
        )
        assert municipal.status_code == 403
        physics_only = svc.auth(Role.COORDINATOR, scopes={ScopeKind.SUBJECT: ["physics"]})
        assert (await upload(svc, olympiad_id, "tasks", headers=physics_only)).status_code == 403
        for role in (Role.VENUE_COORDINATOR, Role.OBSERVER, Role.JURY_MEMBER):
            assert (await svc.client.get(base + "/key", headers=svc.auth(role))).status_code == 403
        for role in (Role.OBSERVER, Role.JURY_CHAIR):
            refused = await svc.client.get(base + "/content", headers=svc.auth(role))
            assert refused.status_code == 403
        listing = await svc.client.get(
            f"/olympiads/{olympiad_id}/packages", headers=svc.auth(Role.JURY_MEMBER)
        )
        assert listing.status_code == 403
        scoped = svc.auth(Role.MUNICIPAL_COORDINATOR, scopes={ScopeKind.SUBJECT: ["physics"]})
        assert (await svc.client.get(base + "/key", headers=scoped)).status_code == 403
        assert (
            await svc.client.get(base + "/key", headers=svc.auth(Role.COORDINATOR))
        ).status_code == 200


async def test_p24_archive_whose_password_does_not_open_it_is_refused_at_push(
    tmp_path: Path,
) -> None:
    olympiad_id = uuid.uuid4()
    async with running_service("materials", tmp_path, clock=ManualClock(BEFORE), **FAST) as svc:
        await learn_olympiad(svc, olympiad_created(olympiad_id, "math"))
        wrong = await upload(svc, olympiad_id, "tasks", password=PASSWORD + "x")
        assert wrong.status_code == 422
        assert wrong.headers["content-type"] == "application/problem+json"
        assert "не открывается с указанным паролем" in wrong.json()["detail"]
        listed = await svc.client.get(
            f"/olympiads/{olympiad_id}/packages", headers=svc.auth(Role.COORDINATOR)
        )
        assert listed.json()["items"] == []  # nothing stored, nothing announced
        right = await upload(svc, olympiad_id, "tasks", password=PASSWORD)
        assert right.status_code == 201, right.text
