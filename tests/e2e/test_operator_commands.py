"""The operators' commands against the running suite, each as its own process: the regional
coordinator pushes a package and reads the readiness table, a venue uploads room video and reads the
coverage report, a scan station uploads a folder of scans."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from olymp_cli.demo.client import SuiteClient, until
from olymp_cli.suite import PRIVATE_KEY, Layout
from olymp_coding.scans.domain import answer_payload
from olymp_core.auth import Role, ScopeKind, TokenIssuer
from olymp_core.clock import local_instant, to_local
from olymp_core.settings import SERVICES
from olymp_core.testing.synthetic import generate_participants, to_csv
from tests.e2e.conftest import LAYOUT
from tests.support.cli import olymp_command
from tests.support.media import write_video
from tests.support.scan_pages import encode, make_page_image

pytestmark = pytest.mark.e2e

ZONE = "Asia/Omsk"
VENUE = "МБОУ «Усть-Ишимская СОШ № 1»"


@dataclass
class Olympiad:
    suite: SuiteClient
    layout: Layout
    olympiad_id: str
    day: dt.date
    participants: list[dict[str, Any]]

    def token(self, role: Role, sub: str = "operator") -> str:
        return self.suite.headers(role, sub)["Authorization"].removeprefix("Bearer ")


@pytest_asyncio.fixture(loop_scope="session")
async def olympiad(running_suite: Layout) -> AsyncIterator[Olympiad]:
    issuer = TokenIssuer(PRIVATE_KEY.read_bytes())
    suite = SuiteClient({s: running_suite.base_url(s) for s in SERVICES}, issuer)
    day = to_local(dt.datetime.now(dt.UTC), ZONE).date()
    created = await suite.json(
        "POST",
        "registration",
        "/olympiads",
        role=Role.COORDINATOR,
        json={
            "title": "Муниципальный этап ВсОШ — проверка команд",
            "school_year": f"{day.year - 1}/{day.year}"
            if day.month < 9
            else f"{day.year}/{day.year + 1}",
            "time_zone": ZONE,
            "subjects": [
                {
                    "subject_code": code,
                    "day": day.isoformat(),
                    "round_start": "10:00",
                    "round_end": "14:00",
                }
                for code in ("math", "chemistry")
            ],
            "venues": [
                {
                    "name": VENUE,
                    "rooms": [
                        {"name": "Кабинет 1", "capacity": 20},
                        {"name": "Кабинет 2", "capacity": 20},
                    ],
                }
            ],
        },
    )
    people = generate_participants(11, 12, 3, ["math"])
    imported = await suite.json(
        "POST",
        "registration",
        f"/olympiads/{created['olympiad_id']}/participants/import",
        params={"format": "csv"},
        content=to_csv(people),
        role=Role.MUNICIPAL_COORDINATOR,
    )
    try:
        yield Olympiad(suite, running_suite, created["olympiad_id"], day, imported["participants"])
    finally:
        await suite.close()


async def run(*args: str) -> tuple[int, str]:
    result = await asyncio.to_thread(olymp_command, *args, env={"OLYMP_AMQP_URL": LAYOUT.amqp_url})
    return result.returncode, result.stdout + result.stderr


async def test_coordinator_pushes_a_package_and_reads_who_is_ready(
    olympiad: Olympiad, tmp_path: Path
) -> None:
    package = tmp_path / "chemistry-tasks.pdf"
    package.write_bytes(b"%PDF-1.4 tasks of the chemistry round")
    hub = olympiad.layout.base_url("materials")
    token = olympiad.token(Role.COORDINATOR)
    release_at = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)).isoformat()
    code, output = await run(
        "materials", "push", olympiad.olympiad_id, "chemistry", "tasks", str(package),
        "--release-at", release_at, "--hub", hub, "--token", token,
    )  # fmt: skip
    assert code == 0, output
    code, output = await run(
        "materials", "status", olympiad.olympiad_id, "--hub", hub, "--token", token
    )
    assert code == 0, output
    assert "chemistry" in output or "Химия" in output, output


async def test_venue_uploads_room_video_and_reads_the_coverage_report(
    olympiad: Olympiad, tmp_path: Path
) -> None:
    round_start = local_instant(olympiad.day, dt.time(10, 0), ZONE)
    video = write_video(tmp_path / "kabinet-1.mp4", seconds=3, creation_time=round_start)
    registration = olympiad.layout.base_url("registration")
    token = olympiad.suite.issuer.issue(
        "operator", [Role.VENUE_COORDINATOR], {ScopeKind.VENUE: [VENUE]}
    )
    common = ["--olympiad", olympiad.olympiad_id, "--venue", VENUE, "--subject", "chemistry"]
    code, output = await run(
        "video", "upload", str(video), *common, "--room", "Кабинет 1",
        "--url", registration, "--token", token,
    )  # fmt: skip
    assert code == 0, output
    code, output = await run(
        "video", "report", *common, "--json", "--url", registration, "--token", token
    )
    assert code == 0, output
    report = json.loads(output[output.index("{") :])
    rooms = {room["room"]: room["recordings"] for room in report["rounds"][0]["rooms"]}
    assert rooms == {"Кабинет 1": 1, "Кабинет 2": 0}
    unrecorded = [f for f in report["rounds"][0]["findings"] if f["kind"] == "room_not_recorded"]
    assert [f["room"] for f in unrecorded] == ["Кабинет 2"]


async def test_scan_station_uploads_a_folder_and_the_jury_sees_pages_by_code(
    olympiad: Olympiad, tmp_path: Path
) -> None:
    suite, oid = olympiad.suite, olympiad.olympiad_id
    await suite.json(
        "POST", "registration", f"/olympiads/{oid}/subjects/math/check-in",
        json={"entries": [{"participant_id": p["participant_id"], "present": True}
                          for p in olympiad.participants]},
        role=Role.VENUE_COORDINATOR,
    )  # fmt: skip

    async def coded() -> list[dict[str, Any]] | None:
        listed = await suite.json(
            "GET", "coding", f"/olympiads/{oid}/subjects/math/works", role=Role.CODING_OFFICER
        )
        works: list[dict[str, Any]] = listed["works"]
        return works if len(works) == len(olympiad.participants) else None

    works = await until(coded, "every present participant's work coded")
    work_code = works[0]["work_code"]
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "001.jpg").write_bytes(encode(make_page_image((answer_payload(work_code, 1),))))
    (folder / "002.jpg").write_bytes(encode(make_page_image(())))  # the label was torn off
    code, output = await run(
        "scan", "upload", str(folder), "--olympiad", oid, "--subject", "math",
        "--url", olympiad.layout.base_url("coding"), "--token", olympiad.token(Role.SCANNER),
    )  # fmt: skip
    assert code == 0, output

    queue = await suite.json(
        "GET", "coding", f"/olympiads/{oid}/scans/manual", role=Role.CODING_OFFICER
    )
    assert [page["source_file"] for page in queue["pages"]] == ["002.jpg"]
    pages = await suite.json(
        "GET", "coding", f"/olympiads/{oid}/works/{work_code}/pages",
        role=Role.JURY_MEMBER, sub="jury-ivanova",
    )  # fmt: skip
    assert [page["sheet"] for page in pages["pages"]] == [1]
    url = pages["pages"][0]["url"]
    if url.startswith("/"):
        url = olympiad.layout.base_url("coding") + url
    async with httpx.AsyncClient(timeout=10) as client:
        image = await client.get(url)
    assert image.status_code == 200 and image.content[:2] in (b"\xff\xd8", b"\x89P")
