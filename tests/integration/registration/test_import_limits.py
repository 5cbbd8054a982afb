"""The participants import under hostile input (finding M4 of «Holds on the day»): a header cell
built to be slow, a file read in the request, a size limit checked only after the whole body.

The file is read in a worker thread within a time budget, its size is checked as it streams in
(by the service's request limits, `body_limit(setting="max_import_bytes")`, and again by the route
that spools it to a temporary file), and a refusal stores nothing.
"""

from __future__ import annotations

import asyncio
import csv
import io
import threading
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from olymp_core.auth import Role
from olymp_core.clock import ManualClock
from olymp_core.testing.service import running_service
from olymp_core.testing.synthetic import generate_participants, to_csv
from olymp_registration.domain import ImportReport, parse_participants_csv
from olymp_registration.handlers import importing
from tests.integration.registration.conftest import Desk

pytestmark = pytest.mark.integration

# Just under the csv module's field limit (131,072): what the finding measured at ~70 s per pass.
HOSTILE_CELL = " ." * 65_500 + "x"
# A generous bound on the whole request: the import takes well under a second once the header
# cleaning is linear; before, one such cell took minutes and held the event loop all along.
GENEROUS_S = 60.0


def with_extra_column(data: bytes, header: str, value: str = "") -> bytes:
    """The application CSV with one more column: `header` over `value` in every row."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    rows = [[*rows[0], header], *([*row, value] for row in rows[1:])]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


async def test_m4_a_hostile_header_cell_is_read_off_the_event_loop_while_health_answers(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    olympiad_id = await desk.create_olympiad()
    lines = generate_participants(seed=41, n=5, schools=2, subjects=["math"])
    data = with_extra_column(to_csv(lines), HOSTILE_CELL)
    # The reading waits until /healthz has answered: in a worker thread that costs nothing, on
    # the event loop it would hold the loop, so /healthz could only answer after the import.
    health_answered = threading.Event()
    real_parse = parse_participants_csv

    def parse_after_health(data: bytes, *args: Any) -> ImportReport:
        health_answered.wait(GENEROUS_S)
        return real_parse(data, *args)

    monkeypatch.setattr(importing, "parse_participants_csv", parse_after_health)
    answered: list[str] = []

    async def import_file() -> httpx.Response:
        response = await desk.import_file(olympiad_id, data)
        answered.append("import")
        return response

    async def health() -> httpx.Response:
        response = await desk.svc.client.get("/healthz")
        answered.append("healthz")
        health_answered.set()
        return response

    imported = asyncio.create_task(import_file())
    await asyncio.sleep(0)  # the import's request goes first
    health_response = await health()
    response = await asyncio.wait_for(imported, GENEROUS_S)

    assert health_response.status_code == 200
    assert answered == ["healthz", "import"]
    assert response.status_code == 200, response.text
    assert response.json()["imported"] == 5


async def test_m4_a_hostile_cell_anywhere_in_the_header_is_cleaned_in_linear_time(
    desk: Desk,
) -> None:
    """Trailing decoration and a hint in brackets, each as the longest cell the CSV reader takes."""
    olympiad_id = await desk.create_olympiad()
    lines = generate_participants(seed=43, n=3, schools=1, subjects=["math"])
    for hostile in (HOSTILE_CELL, "(" + " a" * 65_500, "Фамилия" + " :*." * 32_000 + ")"):
        data = with_extra_column(to_csv(lines), hostile, value="x")
        response = await asyncio.wait_for(desk.import_file(olympiad_id, data), GENEROUS_S)
        assert response.status_code == 200, response.text[:500]
        assert (await desk.svc.client.get("/healthz")).status_code == 200
        olympiad_id = await desk.create_olympiad()  # the next file registers the same people


async def test_m4_reading_past_its_budget_is_refused_and_nothing_is_imported(
    tmp_path: Path, clock: ManualClock
) -> None:
    async with running_service(
        "registration", tmp_path, clock=clock, import_parse_seconds=0.0
    ) as svc:
        budgeted = Desk(svc, clock)
        olympiad_id = await budgeted.create_olympiad()
        data = to_csv(generate_participants(seed=47, n=40, schools=3, subjects=["math"]))

        response = await budgeted.import_file(olympiad_id, data)

        assert response.status_code == 422, response.text
        problem = response.json()
        assert problem["type"].endswith("participants-import-too-slow")
        assert "ни один участник не сохранён" in problem["detail"]
        assert "разделите её на несколько файлов" in problem["detail"]
        assert await budgeted.participants(olympiad_id) == []
        assert await budgeted.outbox_payloads("participant_registered", olympiad_id) == []
        assert [e for e in await budgeted.audit_entries(olympiad_id) if "import" in e[1]] == []


class CountedBody(httpx.AsyncByteStream):
    """`chunks` chunks of `size` bytes, sent without a declared length; counts what was taken."""

    def __init__(self, chunks: int, size: int) -> None:
        self.chunks, self.size, self.taken = chunks, size, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.chunks):
            self.taken += 1
            yield b"x" * self.size


def importer(desk: Desk) -> dict[str, str]:
    return desk.svc.auth(Role.COORDINATOR, sub="mun-coordinator")


async def test_m4_a_body_over_the_limit_is_refused_as_it_streams_in_not_after(desk: Desk) -> None:
    olympiad_id = await desk.create_olympiad()
    limit = desk.svc.service.runtime.settings.max_import_bytes
    chunk = 1 << 20
    body = CountedBody(chunks=3 * limit // chunk, size=chunk)

    response = await desk.svc.client.post(
        f"/olympiads/{olympiad_id}/participants/import",
        params={"format": "csv"},
        content=body,
        headers=importer(desk),
    )

    assert response.status_code == 413, response.text
    assert f"{limit >> 20}" in response.json()["detail"]  # says the limit, in МБ
    # read up to the limit and one chunk more, not the three times the limit that was offered
    assert body.taken <= limit // chunk + 1
    assert await desk.participants(olympiad_id) == []


async def test_m4_a_declared_length_over_the_limit_is_refused_before_any_byte_is_read(
    desk: Desk,
) -> None:
    olympiad_id = await desk.create_olympiad()
    limit = desk.svc.service.runtime.settings.max_import_bytes
    body = CountedBody(chunks=1, size=10)

    response = await desk.svc.client.post(
        f"/olympiads/{olympiad_id}/participants/import",
        params={"format": "csv"},
        content=body,
        headers={**importer(desk), "Content-Length": str(3 * 1024**3)},
    )

    assert response.status_code == 413
    assert f"{limit >> 20}" in response.json()["detail"]
    assert body.taken == 0


async def test_m4_an_unauthenticated_body_is_never_read(desk: Desk) -> None:
    olympiad_id = await desk.create_olympiad()
    body = CountedBody(chunks=4, size=1 << 20)

    response = await desk.svc.client.post(
        f"/olympiads/{olympiad_id}/participants/import", params={"format": "csv"}, content=body
    )

    assert response.status_code == 401
    assert body.taken == 0


async def test_m4_a_zip_bomb_posing_as_a_workbook_is_refused_without_unpacking(
    desk: Desk, tmp_path: Path
) -> None:
    olympiad_id = await desk.create_olympiad()
    bomb = tmp_path / "bomb.xlsx"
    write_zip_bomb(bomb, unpacked=300 << 20)  # past the 256 MiB a workbook may unpack to
    assert bomb.stat().st_size < 2 << 20

    response = await asyncio.wait_for(
        desk.import_file(olympiad_id, bomb.read_bytes(), "xlsx"), GENEROUS_S
    )

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["kind"] == "too_large"
    assert "после распаковки" in error["message"]


def write_zip_bomb(path: Path, *, unpacked: int) -> None:
    """A zip whose sheet declares `unpacked` bytes of zeros, compressed to about a thousandth."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            zeros = b"\0" * (1 << 20)
            for _ in range(unpacked // len(zeros)):
                sheet.write(zeros)
