"""The portal in front of the real services it calls: registration, coding, scoring and publishing
run in-process (each with its own database, on the real broker), each served over HTTP on a free
loopback port, and the portal's backend addresses point at them. One key signs every token: the
portal's for its people, the tests' for the setup calls (the services trust it alike).

Events travel between the services through the broker as in production (a check-in at
registration becomes a coded work at coding, then a work to mark at scoring; a fully checked grade
reaches coding's decoding gate and publishing). The tests wait for them by polling, never by sleep.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn
from starlette.types import ASGIApp

from olymp_core.auth import Role, ScopeKind, generate_local_key
from olymp_core.clock import ManualClock, to_local
from olymp_core.testing.databases import TEST_VHOST, amqp_url_of, ensure_test_vhost
from olymp_core.testing.service import ServiceHarness, running_service
from olymp_core.testing.synthetic import SCHOOL_STAGE_SCORE, SyntheticParticipant, to_csv
from tests.integration.portal.conftest import client_of, sign_in

T = TypeVar("T")

BACKENDS = ("registration", "coding", "scoring", "publishing")
TIME_ZONE = "Asia/Omsk"
SUBJECT = "math"
GRADE = 9
TASKS = 5


def services_clock() -> ManualClock:
    """The services' clock, which a test may move on (the 21 days of §121). It starts at the real
    time: the services verify tokens by the real clock, and the portal (on the real clock, too)
    signs them as it does in production."""
    return ManualClock(dt.datetime.now(dt.UTC).replace(microsecond=0))


async def until(probe: Callable[[], Awaitable[T | None]], what: str, within_s: float = 30) -> T:
    """Poll `probe` until it answers something other than None or False."""
    deadline = time.monotonic() + within_s
    while True:
        found = await probe()
        if found is not None and found is not False:
            return found
        assert time.monotonic() < deadline, f"timed out after {within_s} s waiting for {what}"
        await asyncio.sleep(0.1)


@asynccontextmanager
async def serving(app: ASGIApp) -> AsyncIterator[str]:
    """`app` over HTTP on a free loopback port (its lifespan is the harness's, not uvicorn's)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
    )
    task = asyncio.create_task(server.serve(sockets=[listener]))

    async def started() -> bool:
        assert not task.done(), f"the server on port {port} stopped: {task}"
        return server.started

    try:
        await until(started, f"the HTTP server on port {port}")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        listener.close()


@dataclass
class Suite:
    portal: ServiceHarness
    services: dict[str, ServiceHarness]
    clock: ManualClock  # the services'

    def __getitem__(self, name: str) -> ServiceHarness:
        return self.services[name]


def _delete_vhost(vhost: str) -> None:
    if os.environ.get("OLYMP_TEST_AMQP_URL"):
        return  # someone else's broker: nothing was created
    subprocess.run(
        ["rabbitmqctl", "-q", "delete_vhost", vhost],
        capture_output=True,
        check=False,
        timeout=60,
    )


@asynccontextmanager
async def running_suite(
    workdir: Path,
    clock: ManualClock,
    backends: Sequence[str] = BACKENDS,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> AsyncIterator[Suite]:
    """The services (four by default) on `clock`, each with its `settings` if given, and the
    portal in front of them on the real clock."""
    key = workdir / "keys" / "auth.pem"
    generate_local_key(key)

    def workdir_of(name: str) -> Path:
        folder = workdir / name
        (folder / "keys").mkdir(parents=True)
        shutil.copy(key, folder / "keys" / "auth.pem")  # running_service keeps a key it finds
        return folder

    # a virtual host of the suite's own: another test's coding in the test vhost would code this
    # suite's participants a second time (the exchanges there reach every service started in it)
    vhost = f"{TEST_VHOST}-suite-{uuid.uuid4().hex[:8]}"
    await asyncio.to_thread(ensure_test_vhost, vhost)
    broker = amqp_url_of(vhost)
    async with AsyncExitStack() as stack:
        stack.callback(_delete_vhost, vhost)
        services: dict[str, ServiceHarness] = {}
        urls: dict[str, Any] = {}
        for name in backends:
            harness = await stack.enter_async_context(
                running_service(
                    name,
                    workdir_of(name),
                    clock=clock,
                    amqp_url=broker,
                    **(settings or {}).get(name, {}),
                )
            )
            services[name] = harness
            urls[f"{name}_url"] = await stack.enter_async_context(serving(harness.service.asgi))
        folder = workdir_of("portal")
        portal = await stack.enter_async_context(
            running_service(
                "portal",
                folder,
                amqp_url=broker,
                auth_local_private_key_file=folder / "keys" / "auth.pem",
                **urls,
            )
        )
        yield Suite(portal, services, clock)


@asynccontextmanager
async def signed_in(suite: Suite, login: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser of its own, signed in as `login` (an account with one role)."""
    async with client_of(suite.portal) as browser:
        signed = await sign_in(browser, login)
        assert signed.status_code == 303, signed.text
        yield browser


def participant(surname: str, name: str, patronymic: str, school: str) -> SyntheticParticipant:
    return SyntheticParticipant(
        surname=surname,
        name=name,
        patronymic=patronymic,
        gender="female" if surname.endswith("а") else "male",
        grade=GRADE,
        task_grade=GRADE,
        school=school,
        subject_code=SUBJECT,
        eligibility=SCHOOL_STAGE_SCORE,
        consent_to_publish=True,
    )


@dataclass
class Olympiad:
    """One olympiad's mathematics, grade 9, with its works coded and known to scoring."""

    suite: Suite
    olympiad_id: uuid.UUID
    owners: dict[str, str]  # work code -> participant's full name (the coding officer's table)

    @property
    def codes(self) -> list[str]:
        return sorted(self.owners)

    def code_of(self, surname: str) -> str:
        return next(code for code, name in self.owners.items() if name.startswith(surname + " "))

    @property
    def jury_path(self) -> str:
        return f"/olympiads/{self.olympiad_id}/subjects/{SUBJECT}/grades/{GRADE}"

    @property
    def marking(self) -> str:
        return f"/marking/{self.olympiad_id}/{SUBJECT}/{GRADE}"

    @property
    def chair(self) -> str:
        return f"/chair/{self.olympiad_id}/{SUBJECT}/{GRADE}"

    def auth(self, service: str, role: Role, sub: str = "setup") -> dict[str, str]:
        return self.suite[service].auth(role, sub=sub, scopes={ScopeKind.SUBJECT: [SUBJECT]})

    async def call(
        self, service: str, method: str, path: str, role: Role, *, sub: str = "setup", **kw: Any
    ) -> Any:
        response = await self.suite[service].client.request(
            method, path, headers=self.auth(service, role, sub), **kw
        )
        assert response.status_code < 300, f"{method} {service}{path}: {response.text}"
        return response.json() if response.content else None

    async def set_scheme(self, max_points: str = "10", threshold: str = "2") -> None:
        body = {
            "tasks": [{"number": n, "max_points": max_points} for n in range(1, TASKS + 1)],
            "step": "0.5",
            "threshold": {"kind": "points", "value": threshold},
            "rule": "third_mark_decides",
        }
        await self.call("scoring", "PUT", self.jury_path + "/scheme", Role.JURY_CHAIR, json=body)

    async def mark(self, work_code: str, member: str, points: Sequence[str]) -> Any:
        """A member's marks, sent straight to scoring (the pages are tested elsewhere)."""
        body = {"task_scores": {str(n): p for n, p in enumerate(points, start=1)}}
        path = f"/olympiads/{self.olympiad_id}/works/{work_code}/marks"
        return await self.call("scoring", "POST", path, Role.JURY_MEMBER, sub=member, json=body)

    async def decode(self) -> None:
        """Once every work is checked: the coding officer decodes; publishing then publishes the
        preliminary table (§61, §65)."""

        async def decoded() -> bool:
            response = await self.suite["coding"].client.post(
                f"/olympiads/{self.olympiad_id}/subjects/{SUBJECT}/grades/{GRADE}/decode",
                headers=self.auth("coding", Role.CODING_OFFICER),
            )
            return response.status_code == 200  # 409 until coding hears «all checked»

        await until(decoded, "decoding")

        async def published() -> bool:
            response = await self.suite["publishing"].client.get(
                f"/results/{self.olympiad_id}/{SUBJECT}/{GRADE}", params={"stage": "preliminary"}
            )
            return response.status_code == 200

        await until(published, "the preliminary table")


async def new_olympiad(suite: Suite, people: Sequence[SyntheticParticipant]) -> Olympiad:
    """An olympiad whose mathematics round is today: people imported, all present, works coded
    and known to scoring."""
    registration = suite["registration"]
    today = to_local(suite.clock.now(), TIME_ZONE).date()
    body = {
        "title": "Муниципальный этап ВсОШ 2026/27, Усть-Ишимский район",
        "school_year": "2026/2027",
        "time_zone": TIME_ZONE,
        "subjects": [
            {
                "subject_code": SUBJECT,
                "day": today.isoformat(),
                "round_start": "10:00",
                "round_end": "14:00",
            }
        ],
        "venues": [
            {
                "name": "МБОУ «Усть-Ишимская СОШ № 1»",
                "rooms": [{"name": "Кабинет 1", "capacity": 30}],
            }
        ],
    }
    created = await registration.client.post(
        "/olympiads", json=body, headers=registration.auth(Role.COORDINATOR)
    )
    assert created.status_code == 201, created.text
    olympiad_id = uuid.UUID(created.json()["olympiad_id"])
    imported = await registration.client.post(
        f"/olympiads/{olympiad_id}/participants/import",
        params={"format": "csv"},
        content=to_csv(people),
        headers={"Content-Type": "text/csv", **registration.auth(Role.MUNICIPAL_COORDINATOR)},
    )
    assert imported.status_code == 200, imported.text
    entries = [
        {"participant_id": p["participant_id"], "present": True}
        for p in imported.json()["participants"]
    ]
    checked_in = await registration.client.post(
        f"/olympiads/{olympiad_id}/subjects/{SUBJECT}/check-in",
        json={"entries": entries},
        headers=registration.auth(Role.VENUE_COORDINATOR),
    )
    assert checked_in.status_code == 200, checked_in.text
    olympiad = Olympiad(suite, olympiad_id, {})

    async def coded() -> dict[str, dict[str, Any]] | None:
        table = await olympiad.call(
            "coding", "GET", f"/olympiads/{olympiad_id}/subjects/{SUBJECT}/codes",
            Role.CODING_OFFICER,
        )  # fmt: skip
        entries = table["entries"]
        return None if len(entries) < len(people) else {e["work_code"]: e for e in entries}

    table = await until(coded, "coding to code every work")
    people_by_id = {p["participant_id"]: p for p in imported.json()["participants"]}
    for code, entry in table.items():
        person = people_by_id[str(entry["participant_id"])]
        olympiad.owners[code] = " ".join(
            part for part in (person["surname"], person["name"], person["patronymic"]) if part
        )

    async def scored() -> bool:
        listed = await olympiad.call(
            "scoring", "GET", olympiad.jury_path + "/works", Role.JURY_CHAIR
        )
        return len(listed["works"]) == len(people)

    await until(scored, "scoring to know every work")
    return olympiad
