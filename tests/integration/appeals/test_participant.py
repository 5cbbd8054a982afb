"""§91, §95–98, §113 for the participant: their own works and points, an appeal filed online, the
decision — and never anything of another participant, whatever route the token is tried on."""

from __future__ import annotations

import datetime as dt
import uuid

import httpx
import pytest

from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import local_instant

from .conftest import ZONE, Olympiad

pytestmark = pytest.mark.integration


def as_participant(olympiad: Olympiad, participant_id: uuid.UUID) -> dict[str, str]:
    return olympiad.appeals.svc.auth(
        Role.PARTICIPANT,
        sub=f"participant-{participant_id.hex[:8]}",
        scopes={ScopeKind.PARTICIPANT: [str(participant_id)]},
    )


async def open_subject(olympiad: Olympiad) -> tuple[uuid.UUID, uuid.UUID]:
    """A commission, the show over, two checked works; returns the two participants."""
    assert (await olympiad.appoint(["chair", "m1", "m2"], chair="chair")).status_code == 200
    olympiad.appeals.clock.set(local_instant(dt.date(2025, 11, 24), dt.time(10), ZONE))
    window = await olympiad.open_window(local_instant(dt.date(2025, 11, 21), dt.time(18), ZONE))
    assert window.status_code == 200, window.text
    mine = await olympiad.seed_work(f"M9-{uuid.uuid4().hex[:6]}", {"1": "6", "2": "3.5", "3": "4"})
    theirs = await olympiad.seed_work(f"M9-{uuid.uuid4().hex[:6]}", {"1": "9", "2": "9", "3": "9"})
    return mine, theirs


async def test_p91_the_participant_reads_their_own_points_and_the_schedule(
    olympiad: Olympiad,
) -> None:
    mine, _ = await open_subject(olympiad)

    read = await olympiad.client.get(
        f"{olympiad.base}/participants/{mine}/works", headers=as_participant(olympiad, mine)
    )

    assert read.status_code == 200, read.text
    [work] = read.json()["works"]
    assert work["subject_code"] == "math"
    assert work["task_scores"] == {"1": "6", "2": "3.5", "3": "4"}
    assert work["total"] == "13.5"
    assert work["schedule"]["show"]["place"] == "МБОУ «СОШ № 12», кабинет 204"
    assert work["appeal"] is None
    assert "work_code" not in work


async def test_p98_p113_filed_online_then_decided_the_participant_reads_the_new_points(
    olympiad: Olympiad,
) -> None:
    mine, _ = await open_subject(olympiad)
    headers = as_participant(olympiad, mine)

    filed = await olympiad.client.post(
        f"{olympiad.base}/participants/{mine}/appeals",
        json={
            "subject_code": "math",
            "tasks": [1, 3],
            "statement": "Прошу пересмотреть задания 1 и 3: решение полное.",
            "review_without_participant": True,
        },
        headers=headers,
    )
    assert filed.status_code == 201, filed.text
    appeal_id = filed.json()["appeal_id"]
    assert filed.json()["status"] == "подана"

    staff_view = await olympiad.client.get(
        f"{olympiad.base}/appeals", headers=olympiad.auth(Role.APPEAL_MEMBER)
    )
    [listed] = [a for a in staff_view.json()["items"] if a["appeal_id"] == appeal_id]
    assert listed["tasks"] == [1, 3]

    heard = await olympiad.hearing(appeal_id, present=False)
    assert heard.status_code == 200, heard.text
    for member in ("chair", "m1"):
        await olympiad.vote(appeal_id, member, "raise", {"1": "8", "3": "4"})
    assert (await olympiad.decide(appeal_id)).status_code == 200

    read = await olympiad.client.get(f"{olympiad.base}/participants/{mine}/works", headers=headers)
    appeal = read.json()["works"][0]["appeal"]
    assert appeal["outcome"] == "raise"
    assert appeal["new_task_scores"]["1"] == "8"
    assert appeal["decided_at"] is not None


async def test_p96_the_participant_is_refused_after_the_deadline_with_it_shown(
    olympiad: Olympiad,
) -> None:
    mine, _ = await open_subject(olympiad)
    olympiad.appeals.clock.set(local_instant(dt.date(2025, 11, 26), dt.time(0, 1), ZONE))

    late = await olympiad.client.post(
        f"{olympiad.base}/participants/{mine}/appeals",
        json={"subject_code": "math", "tasks": [1], "statement": "Прошу пересмотреть."},
        headers=as_participant(olympiad, mine),
    )

    assert late.status_code == 422
    assert "Срок подачи апелляции истёк 25.11.2025 в 23:59" in late.json()["detail"]


async def test_a_participants_token_never_reaches_another_participant_or_staff_routes(
    olympiad: Olympiad,
) -> None:
    mine, theirs = await open_subject(olympiad)
    headers = as_participant(olympiad, mine)
    unpinned = olympiad.appeals.svc.auth(Role.PARTICIPANT, sub="participant-x")
    everyone = olympiad.appeals.svc.auth(
        Role.PARTICIPANT, sub="participant-y", scopes={ScopeKind.PARTICIPANT: ["*"]}
    )
    appeal_body = {"subject_code": "math", "tasks": [1], "statement": "Прошу пересмотреть."}
    filed = await olympiad.file(theirs, [2])
    assert filed.status_code == 201
    their_appeal = filed.json()["appeal_id"]

    attempts: list[tuple[str, httpx.Response]] = [
        (
            "their works",
            await olympiad.client.get(
                f"{olympiad.base}/participants/{theirs}/works", headers=headers
            ),
        ),
        (
            "appeal for them",
            await olympiad.client.post(
                f"{olympiad.base}/participants/{theirs}/appeals", json=appeal_body, headers=headers
            ),
        ),
        (
            "unpinned token",
            await olympiad.client.get(
                f"{olympiad.base}/participants/{mine}/works", headers=unpinned
            ),
        ),
        (
            "star scope",
            await olympiad.client.get(
                f"{olympiad.base}/participants/{theirs}/works", headers=everyone
            ),
        ),
        ("all appeals", await olympiad.client.get(f"{olympiad.base}/appeals", headers=headers)),
        (
            "staff filing",
            await olympiad.client.post(
                f"{olympiad.base}/appeals",
                json={**appeal_body, "participant_id": str(theirs)},
                headers=headers,
            ),
        ),
        (
            "hearing",
            await olympiad.client.post(
                f"{olympiad.base}/appeals/{their_appeal}/hearing",
                json={"participant_present": True},
                headers=headers,
            ),
        ),
        (
            "vote",
            await olympiad.client.post(
                f"{olympiad.base}/appeals/{their_appeal}/votes",
                json={"outcome": "reject"},
                headers=headers,
            ),
        ),
        (
            "decision",
            await olympiad.client.post(
                f"{olympiad.base}/appeals/{their_appeal}/decision", headers=headers
            ),
        ),
        (
            "commission",
            await olympiad.client.put(
                f"{olympiad.base}/subjects/math/commission",
                json={"members": ["a", "b", "c"], "chair": "a"},
                headers=headers,
            ),
        ),
        ("schedule", await olympiad.put_schedule({}, role=Role.PARTICIPANT)),
    ]

    for what, response in attempts:
        assert response.status_code == 403, (what, response.status_code, response.text)
        assert "9" not in response.json().get("task_scores", {}), what
    staff = await olympiad.client.get(
        f"{olympiad.base}/participants/{mine}/works", headers=olympiad.auth(Role.APPEAL_MEMBER)
    )
    assert staff.status_code == 403
