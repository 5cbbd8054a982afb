"""The organiser chooses per round when its rooms are warned of the end: 30 and 5 minutes before
(§44) by default, or 15 and 5 (§133); the olympiad's schedule reads the choice back."""

from __future__ import annotations

import pytest

from olymp_core.auth import Role
from tests.integration.registration.conftest import Desk

pytestmark = pytest.mark.integration


def rounds_of(olympiad: dict[str, object], subject_code: str) -> list[dict[str, object]]:
    subjects = olympiad["subjects"]
    assert isinstance(subjects, list)
    found = next(s for s in subjects if s["subject_code"] == subject_code)
    return list(found["rounds"])


async def test_p44_a_round_warns_30_and_5_minutes_before_its_end_unless_chosen(desk: Desk) -> None:
    olympiad_id = await desk.create_olympiad()
    read = await desk.svc.client.get(
        f"/olympiads/{olympiad_id}", headers=desk.svc.auth(Role.MUNICIPAL_COORDINATOR)
    )
    [main] = rounds_of(read.json(), "math")
    assert (main["start"], main["end"]) == ("10:00:00", "14:00:00")
    assert main["ends_at"] == "2025-11-18T08:00:00Z"  # 14:00 in Omsk
    assert (main["end_warnings"], main["warning_minutes"]) == ("30-5", [30, 5])


async def test_p133_the_organiser_chooses_15_and_5_minutes_for_one_round(desk: Desk) -> None:
    olympiad_id = await desk.create_olympiad()
    chosen = await desk.svc.client.put(
        f"/olympiads/{olympiad_id}/subjects/physics/rounds/main/end-warnings",
        json={"end_warnings": "15-5"},
        headers=desk.svc.auth(Role.MUNICIPAL_COORDINATOR, sub="mun-coordinator"),
    )
    assert chosen.status_code == 200, chosen.text
    assert rounds_of(chosen.json(), "physics")[0]["warning_minutes"] == [15, 5]
    assert rounds_of(chosen.json(), "math")[0]["warning_minutes"] == [30, 5]
    trail = await desk.audit_entries(f"{olympiad_id}/physics/main")
    assert trail == [
        (
            "mun-coordinator",
            "round.end_warnings_set",
            {"minutes_before_end": [15, 5], "paragraph": "§133"},
        )
    ]


async def test_end_warnings_are_refused_to_a_venue_and_for_an_unscheduled_round(
    desk: Desk,
) -> None:
    olympiad_id = await desk.create_olympiad()
    url = f"/olympiads/{olympiad_id}/subjects/physics/rounds/main/end-warnings"
    venue = await desk.svc.client.put(
        url, json={"end_warnings": "15-5"}, headers=desk.svc.auth(Role.VENUE_COORDINATOR)
    )
    assert venue.status_code == 403
    oral = await desk.svc.client.put(
        url.replace("physics/rounds/main", "physics/rounds/oral"),
        json={"end_warnings": "15-5"},
        headers=desk.svc.auth(Role.MUNICIPAL_COORDINATOR),
    )
    assert oral.status_code == 404
    assert "не запланирован" in oral.json()["detail"]
    odd = await desk.svc.client.put(
        url, json={"end_warnings": "20-5"}, headers=desk.svc.auth(Role.MUNICIPAL_COORDINATOR)
    )
    assert odd.status_code == 422
