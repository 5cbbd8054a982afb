"""The coverage and deadline report (§21), search by time of day, audited playback, retention."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from olymp_core.auth import Role, ScopeKind
from olymp_registration.video.background import expire_recordings
from olymp_registration.video.handlers import VideoContext
from tests.integration.registration.video.conftest import (
    OTHER_SCHOOL,
    ROUND_END,
    ROUND_START,
    SCHOOL,
    Venue,
    whole_round,
    write_video,
)

pytestmark = pytest.mark.integration


async def test_p21_report_lists_missing_rooms_short_recordings_and_late_handover(
    venue: Venue, tmp_path: Path
) -> None:
    await venue.upload(whole_round(tmp_path / "room-12.mp4"), "Кабинет 12")
    venue.clock.set(ROUND_END + dt.timedelta(hours=1, minutes=30))  # 15:30, deadline 15:00
    late = write_video(tmp_path / "room-14.mp4", seconds=2, creation_time=ROUND_START)
    await venue.upload(late, "Кабинет 14")

    report = await venue.report()

    [round_] = report["rounds"]
    assert not report["complete"]
    assert round_["rooms"] == [
        {"room": "Кабинет 12", "recordings": 1},
        {"room": "Кабинет 14", "recordings": 1},
    ]
    kinds = {(f["room"], f["kind"]) for f in round_["findings"]}
    assert kinds == {("Кабинет 14", "late_handover"), ("Кабинет 14", "ends_early")}
    assert any("позднее 1 астрономического часа" in f["message"] for f in round_["findings"])


async def test_p21_room_without_video_and_a_gap_between_files_are_reported(
    venue: Venue, tmp_path: Path
) -> None:
    first = write_video(tmp_path / "a.mp4", seconds=2 * 3600, fps=1, creation_time=ROUND_START)
    second_start = ROUND_START + dt.timedelta(hours=2, minutes=10)
    second = whole_round(tmp_path / "b.mp4", start=second_start)
    await venue.upload(first, "Кабинет 12")
    await venue.upload(second, "Кабинет 12")

    [round_] = (await venue.report())["rounds"]

    kinds = sorted((f["room"], f["kind"]) for f in round_["findings"])
    assert kinds == [("Кабинет 12", "gap"), ("Кабинет 14", "room_not_recorded")]
    [gap] = [f for f in round_["findings"] if f["kind"] == "gap"]
    assert "с 12:00 до 12:10 (10 мин)" in gap["message"]


async def test_p21_recorder_clock_off_by_hours_is_flagged_not_trusted(
    venue: Venue, tmp_path: Path
) -> None:
    # The recorder still thinks it is summer time somewhere else: 5 hours behind.
    off = write_video(
        tmp_path / "room-12.mp4", seconds=2, creation_time=ROUND_START - dt.timedelta(hours=5)
    )

    recording = (await venue.upload(off)).recording

    assert recording["flags"] == ["recorder_clock_mismatch"]
    [round_] = (await venue.report())["rounds"]
    room_12 = [f["kind"] for f in round_["findings"] if f["room"] == "Кабинет 12"]
    assert room_12 == ["recorder_clock_mismatch"]


async def test_search_finds_the_recording_filming_a_room_at_a_time_of_day(
    venue: Venue, tmp_path: Path
) -> None:
    await venue.upload(whole_round(tmp_path / "room-12.mp4"), "Кабинет 12")
    await venue.upload(write_video(tmp_path / "room-14.mp4", seconds=2), "Кабинет 14")

    async def found(**params: str) -> list[str]:
        response = await venue.svc.client.get(
            f"/olympiads/{venue.olympiad_id}/recordings",
            params={"venue": SCHOOL, "subject": "chemistry", **params},
            headers=venue.headers(Role.OBSERVER),
        )
        assert response.status_code == 200, response.text
        return [r["room"] for r in response.json()["recordings"]]

    assert await found(at="10:40") == ["Кабинет 12"]
    assert await found(at="10:40", room="Кабинет 14") == []
    assert sorted(await found(at="10:00")) == ["Кабинет 12", "Кабинет 14"]
    assert await found(at="15:00") == []


async def test_playback_only_for_organisers_and_observers_of_the_venue_every_access_audited(
    venue: Venue, tmp_path: Path
) -> None:
    path = write_video(tmp_path / "room-12.mp4", seconds=2)
    recording_id = (await venue.upload(path)).recording["recording_id"]
    url = f"/olympiads/{venue.olympiad_id}/recordings/{recording_id}/playback"
    client, svc = venue.svc.client, venue.svc

    jury = await client.get(url, headers=svc.auth(Role.JURY_MEMBER, Role.JURY_CHAIR))
    public = await client.get(url)
    stranger = await client.get(
        url,
        headers=svc.auth(Role.OBSERVER, sub="observer-2", scopes={ScopeKind.VENUE: [OTHER_SCHOOL]}),
    )
    observer = await client.get(
        url, headers=svc.auth(Role.OBSERVER, sub="observer-1", scopes={ScopeKind.VENUE: [SCHOOL]})
    )
    organiser = await client.get(url, headers=svc.auth(Role.MUNICIPAL_COORDINATOR, sub="orgcom"))

    assert (jury.status_code, public.status_code, stranger.status_code) == (403, 401, 403)
    assert "Запись площадки" in stranger.json()["detail"]
    assert (observer.status_code, organiser.status_code) == (200, 200)
    media = await client.get(observer.json()["url"])
    assert media.status_code == 200
    assert media.content == path.read_bytes()
    forged = observer.json()["url"].replace("viewer=observer-1", "viewer=jury")
    assert (await client.get(forged)).status_code == 403
    venue.clock.set(dt.datetime.fromisoformat(observer.json()["expires_at"]) + dt.timedelta(1))
    assert (await client.get(observer.json()["url"])).status_code == 403
    assert await venue.audit(recording_id) == [
        (f"venue_coordinator-{SCHOOL}", "video.indexed"),
        ("observer-2", "video.playback_refused"),
        ("observer-1", "video.playback_granted"),
        ("orgcom", "video.playback_granted"),
        ("observer-1", "video.media_served"),
    ]


async def test_retention_sweep_deletes_expired_recordings_and_audits_each(
    venue: Venue, tmp_path: Path
) -> None:
    recording = (await venue.upload(write_video(tmp_path / "room-12.mp4", seconds=1))).recording
    response = await venue.svc.client.put(
        f"/olympiads/{venue.olympiad_id}/video/retention",
        json={"days": 30},
        headers=venue.svc.auth(Role.COORDINATOR, sub="region"),
    )
    assert response.json() == {"days": 30, "recordings_updated": 1}
    denied = await venue.svc.client.put(
        f"/olympiads/{venue.olympiad_id}/video/retention",
        json={"days": 1},
        headers=venue.headers(),
    )
    assert denied.status_code == 403
    # one pass of the service's "video-retention" loop, with the service's own video context
    video = next(c for c in venue.svc.service.contexts if isinstance(c, VideoContext))

    venue.clock.set(ROUND_END + dt.timedelta(days=29))
    assert await expire_recordings(venue.svc.uows, video) == 0
    venue.clock.set(ROUND_END + dt.timedelta(days=30))
    assert await expire_recordings(venue.svc.uows, video) >= 1

    store = venue.svc.service.runtime.objects
    assert not await store.exists(recording["object_key"])
    gone = await venue.svc.client.get(
        f"/olympiads/{venue.olympiad_id}/recordings/{recording['recording_id']}/playback",
        headers=venue.svc.auth(Role.COORDINATOR),
    )
    assert gone.status_code == 404
    assert (await venue.audit(recording["recording_id"]))[-1] == (
        "system:video-retention",
        "video.expired",
    )
