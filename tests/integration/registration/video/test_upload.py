"""Uploading room video through the HTTP API and the CLI client: index, resume, bad input."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import httpx
import pytest

from olymp_cli.commands.video import UploadRefused, UploadStopped
from olymp_core.auth import Role
from tests.integration.registration.video.conftest import (
    PART_SIZE,
    ROUND_START,
    SCHOOL,
    Venue,
    write_video,
)

pytestmark = pytest.mark.integration


class DroppedConnection(httpx.AsyncBaseTransport):
    """The service's transport, until the connection drops after `parts` part uploads."""

    def __init__(self, inner: httpx.AsyncBaseTransport, parts: int) -> None:
        self.inner, self.parts_left = inner, parts

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            if self.parts_left == 0:
                raise httpx.ConnectError("network is unreachable", request=request)
            self.parts_left -= 1
        return await self.inner.handle_async_request(request)


async def objects_in(venue: Venue) -> list[str]:
    store = venue.svc.service.runtime.objects
    return [info.key for info in await store.list(f"video/{venue.olympiad_id}/")]


async def test_p21_upload_is_indexed_with_facts_read_from_the_file(
    venue: Venue, tmp_path: Path
) -> None:
    path = write_video(tmp_path / "room-12.mp4", seconds=3)

    outcome = await venue.upload(path, camera="у доски")

    recording = outcome.recording
    assert not outcome.duplicate
    assert recording["duration_s"] == pytest.approx(3.0, abs=0.05)
    assert recording["start_source"] == "media"
    assert dt.datetime.fromisoformat(recording["starts_at"]) == ROUND_START
    assert dt.datetime.fromisoformat(recording["ends_at"]) == ROUND_START + dt.timedelta(
        seconds=recording["duration_s"]
    )
    assert (recording["venue"], recording["room"], recording["camera"]) == (
        SCHOOL,
        "Кабинет 12",
        "у доски",
    )
    assert (recording["day"], recording["subject_code"], recording["round_code"]) == (
        "2025-11-18",
        "chemistry",
        "main",
    )
    assert recording["size"] == path.stat().st_size
    assert recording["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert recording["uploaded_by"] == f"venue_coordinator-{SCHOOL}"
    assert recording["media"]["video_codec"] == "h264"
    assert recording["flags"] == []
    assert await venue.audit(recording["recording_id"]) == [
        (f"venue_coordinator-{SCHOOL}", "video.indexed")
    ]


async def test_a_recording_without_its_own_start_takes_the_claimed_one_and_says_so(
    venue: Venue, tmp_path: Path
) -> None:
    path = write_video(tmp_path / "room-14.mp4", seconds=2, creation_time=None)
    claimed = ROUND_START - dt.timedelta(minutes=2)

    recording = (await venue.upload(path, "Кабинет 14", claimed_start=claimed)).recording

    assert recording["start_source"] == "claimed"
    assert dt.datetime.fromisoformat(recording["starts_at"]) == claimed
    assert "start_from_claimed" in recording["flags"]


async def test_upload_resumes_after_a_dropped_connection_sending_only_missing_parts(
    venue: Venue, tmp_path: Path
) -> None:
    path = write_video(tmp_path / "room-12.mp4", seconds=2, noise=True)
    parts = -(-path.stat().st_size // PART_SIZE)
    assert parts >= 4
    state = tmp_path / "state.json"
    flaky = httpx.AsyncClient(
        transport=DroppedConnection(httpx.ASGITransport(app=venue.svc.service.app), parts=2),
        base_url="http://test",
    )

    with pytest.raises(UploadStopped, match="загрузка продолжится"):
        await venue.upload(path, http=flaky, state=state)
    assert state.exists()

    outcome = await venue.upload(path, state=state)

    assert (outcome.parts_skipped, outcome.parts_sent) == (2, parts - 2)
    assert outcome.recording["duration_s"] == pytest.approx(2.0, abs=0.05)
    assert not state.exists()
    assert await objects_in(venue) == [outcome.recording["object_key"]]


async def test_the_same_file_twice_is_the_same_recording(venue: Venue, tmp_path: Path) -> None:
    path = write_video(tmp_path / "room-12.mp4", seconds=2)
    first = await venue.upload(path)

    again = await venue.upload(path)

    assert again.duplicate
    assert again.recording["recording_id"] == first.recording["recording_id"]
    listed = await venue.svc.client.get(
        f"/olympiads/{venue.olympiad_id}/recordings",
        params={"venue": SCHOOL},
        headers=venue.headers(Role.OBSERVER),
    )
    assert listed.json()["count"] == 1


async def test_a_text_file_is_rejected_and_nothing_is_kept(venue: Venue, tmp_path: Path) -> None:
    path = tmp_path / "room-12.mp4"
    path.write_text("Протокол проведения олимпиады\n" * 50, encoding="utf-8")

    with pytest.raises(UploadRefused, match="не является видеозаписью"):
        await venue.upload(path)

    assert await objects_in(venue) == []
    assert (await venue.report())["rounds"][0]["rooms"][0]["recordings"] == 0


async def test_a_truncated_recording_is_rejected_and_its_object_removed(
    venue: Venue, tmp_path: Path
) -> None:
    whole = write_video(tmp_path / "whole.mp4", seconds=3).read_bytes()
    path = tmp_path / "room-12.mp4"
    path.write_bytes(whole[: len(whole) * 2 // 3])

    with pytest.raises(UploadRefused, match="обрезана"):
        await venue.upload(path)

    assert await objects_in(venue) == []


async def test_a_room_that_the_venue_does_not_have_is_refused_in_russian(
    venue: Venue, tmp_path: Path
) -> None:
    path = write_video(tmp_path / "room-99.mp4", seconds=1)

    with pytest.raises(UploadRefused, match="Аудитории «Кабинет 99» нет на площадке"):
        await venue.upload(path, "Кабинет 99")

    response = await venue.svc.client.post(
        f"/olympiads/{venue.olympiad_id}/venues/Школа 404/video/uploads",
        json={
            "room": "Кабинет 12",
            "subject_code": "chemistry",
            "file_name": "a.mp4",
            "size": 10,
            "sha256": "0" * 64,
        },
        headers=venue.svc.auth(Role.VENUE_COORDINATOR),
    )
    assert response.status_code == 404
    assert "Площадка «Школа 404» не найдена" in response.json()["detail"]


async def test_a_coordinator_of_another_venue_cannot_upload_here(venue: Venue) -> None:
    response = await venue.svc.client.post(
        f"/olympiads/{venue.olympiad_id}/venues/{SCHOOL}/video/uploads",
        json={
            "room": "Кабинет 12",
            "subject_code": "chemistry",
            "file_name": "a.mp4",
            "size": 10,
            "sha256": "0" * 64,
        },
        headers=venue.headers(venue="МБОУ «Лицей № 1»"),
    )
    assert response.status_code == 403
