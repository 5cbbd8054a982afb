"""Room video uploads within bounds («Holds on the day», H4 and L): a declared size no room can
record is refused at once, part links are handed out a page at a time, and a file name that is no
file's name is refused with a clear message instead of a 500."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from olymp_core.storage.multipart import MAX_PARTS
from olymp_registration.video.store import video_uploads
from tests.integration.registration.video.conftest import PART_SIZE, SCHOOL, Venue, write_video

pytestmark = pytest.mark.integration

GiB = 1 << 30


def start_body(**changes: Any) -> dict[str, Any]:
    body = {
        "room": "Кабинет 12",
        "subject_code": "chemistry",
        "file_name": "кабинет-12.mp4",
        "size": 10,
        "sha256": "ab" * 32,
    }
    return {**body, **changes}


async def start(venue: Venue, **changes: Any) -> httpx.Response:
    response: httpx.Response = await venue.svc.client.post(
        f"/olympiads/{venue.olympiad_id}/venues/{SCHOOL}/video/uploads",
        json=start_body(**changes),
        headers=venue.headers(),
    )
    return response


async def uploads_of(venue: Venue) -> int:
    async with venue.svc.service.runtime.engine.connect() as conn:
        found = await conn.scalar(
            sa.select(sa.func.count())
            .select_from(video_uploads)
            .where(video_uploads.c.olympiad_id == venue.olympiad_id)
        )
    return int(found or 0)


@pytest.mark.parametrize("size", [2**62, 100 * GiB, PART_SIZE * MAX_PARTS + 1])
async def test_h4_a_size_no_room_records_is_refused_while_health_answers(
    venue: Venue, size: int
) -> None:
    # Before: the service built a link for each of the declared parts in the request without
    # ever awaiting — for 2**62 bytes, forever — and /healthz stopped answering.
    refused, health = await asyncio.gather(
        start(venue, size=size), venue.svc.client.get("/healthz")
    )

    assert health.status_code == 200
    assert refused.status_code == 422, refused.text[:300]
    problem = refused.json()
    # Here parts are of 64 KiB, so S3's 10,000 parts bound the file before the room's 64 GiB.
    assert problem["max_bytes"] == PART_SIZE * MAX_PARTS
    assert "запись одной аудитории бывает не больше" in problem["detail"]
    assert "тот ли файл выбран" in problem["detail"]
    assert await uploads_of(venue) == 0


async def test_h4_the_largest_recording_is_bounded_by_the_setting_when_parts_allow_more(
    venue: Venue, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = venue.svc.service.runtime.settings
    monkeypatch.setattr(settings, "video_max_bytes", 40 * PART_SIZE)

    too_large = await start(venue, size=40 * PART_SIZE + 1)
    largest = await start(venue, size=40 * PART_SIZE, sha256="cd" * 32)

    assert too_large.status_code == 422
    assert too_large.json()["max_bytes"] == 40 * PART_SIZE
    assert largest.status_code == 201, largest.text
    assert largest.json()["upload"]["part_count"] == 40


async def test_h4_part_links_are_handed_out_a_page_at_a_time(venue: Venue) -> None:
    per_page = venue.svc.service.runtime.settings.video_part_links_per_page
    parts = 2 * per_page + per_page // 2

    started = await start(venue, size=parts * PART_SIZE)

    assert started.status_code == 201, started.text
    first = started.json()["upload"]
    assert first["part_count"] == parts
    assert [p["number"] for p in first["parts"]] == list(range(1, per_page + 1))
    assert first["next_part"] == per_page + 1
    numbers = [p["number"] for p in first["parts"]]
    cursor = first["next_part"]
    url = f"/olympiads/{venue.olympiad_id}/venues/{SCHOOL}/video/uploads/{first['upload_id']}"
    while cursor is not None:
        page = await venue.svc.client.get(
            url, params={"from_part": cursor}, headers=venue.headers()
        )
        assert page.status_code == 200, page.text
        assert len(page.json()["parts"]) <= per_page
        numbers += [p["number"] for p in page.json()["parts"]]
        cursor = page.json()["next_part"]
    assert numbers == list(range(1, parts + 1))


class CountingPages(httpx.AsyncBaseTransport):
    """The service's transport, counting the requests for a page of part links."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.pages = inner, 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and "from_part" in request.url.params:
            self.pages += 1
        return await self.inner.handle_async_request(request)


async def test_h4_the_uploader_asks_for_the_next_page_of_links_as_it_goes(
    venue: Venue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(venue.svc.service.runtime.settings, "video_part_links_per_page", 2)
    path = write_video(tmp_path / "room-12.mp4", seconds=2, noise=True)
    parts = -(-path.stat().st_size // PART_SIZE)
    assert parts >= 4
    transport = CountingPages(httpx.ASGITransport(app=venue.svc.service.app))
    http = httpx.AsyncClient(transport=transport, base_url="http://test")

    outcome = await venue.upload(path, http=http)

    assert (outcome.parts_sent, outcome.parts_skipped) == (parts, 0)
    assert transport.pages == -(-parts // 2) - 1  # every page after the first


@pytest.mark.parametrize(
    "name",
    [
        "..",
        ".",
        "/",
        "a/..",
        "..\\..",
        "...",
        " . ",
        "C:\\",
        "\x00.mp4",
        "к12\x07.mp4",
        "\u202e4pm.exe",
    ],
)
async def test_l_a_file_name_that_is_no_files_name_is_refused_in_russian(
    venue: Venue, name: str
) -> None:
    response = await start(venue, file_name=name)

    assert response.status_code == 422, response.text[:300]
    problem = response.json()
    assert problem["type"].endswith("invalid-file-name")
    assert "укажите имя самого файла" in problem["detail"]
    assert await uploads_of(venue) == 0


@pytest.mark.parametrize(
    ("given", "listed"),
    [
        ("C:\\Видео\\кабинет-12.mp4", "кабинет-12.mp4"),
        ("/sdcard/DCIM/room 12.MOV", "room 12.MOV"),
        ("  запись.mkv  ", "запись.mkv"),
        ("../../etc/кабинет.mp4", "кабинет.mp4"),
    ],
)
async def test_l_a_path_is_cut_to_the_file_name(venue: Venue, given: str, listed: str) -> None:
    response = await start(venue, file_name=given, sha256=f"{abs(hash(given)):064x}"[-64:])

    assert response.status_code == 201, response.text
    async with venue.svc.service.runtime.engine.connect() as conn:
        names = await conn.scalars(
            sa.select(video_uploads.c.file_name).where(
                video_uploads.c.olympiad_id == venue.olympiad_id
            )
        )
        assert list(names) == [listed]


async def test_l_a_camera_label_with_a_control_character_is_refused(venue: Venue) -> None:
    response = await start(venue, camera="у доски\x00")

    assert response.status_code == 422
    assert "управляющие символы" in response.json()["detail"]


async def test_l_an_upload_already_named_dot_dot_completes_without_leaving_its_directory(
    venue: Venue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upload started before names were checked keeps «..»: reading the recording's facts
    wrote the file to «<temporary directory>/..» and answered 500; now it goes to a name of ours."""
    from olymp_registration.video.handlers import uploads

    monkeypatch.setattr(uploads, "recording_file_name", lambda name: name)
    data = write_video(tmp_path / "room-12.mp4", seconds=1).read_bytes()
    started = await start(
        venue, file_name="..", size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )
    assert started.status_code == 201, started.text
    upload = started.json()["upload"]
    base = f"/olympiads/{venue.olympiad_id}/venues/{SCHOOL}/video/uploads/{upload['upload_id']}"
    checksums = []
    for number in range(1, upload["part_count"] + 1):
        part = data[(number - 1) * PART_SIZE : number * PART_SIZE]
        sent = await venue.svc.client.put(
            f"{base}/parts/{number}", content=part, headers=venue.headers()
        )
        assert sent.status_code == 200, sent.text
        checksums.append({"number": number, "md5": hashlib.md5(part).hexdigest()})

    completed = await venue.svc.client.post(
        f"{base}/complete", json={"parts": checksums}, headers=venue.headers()
    )

    assert completed.status_code == 201, completed.text
    assert completed.json()["recording"]["file_name"] == ".."
