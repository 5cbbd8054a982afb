"""What the jury chair's screen reads of publishing: the tie groups at the quota boundary (§117) and
why the submission of the final table would be refused (§121)."""

from __future__ import annotations

import pytest

from olymp_core.auth import Role, ScopeKind
from olymp_core.testing.service import ServiceHarness

from .conftest import Subject

pytestmark = pytest.mark.integration


def math_chair(svc: ServiceHarness, sub: str = "chair-smirnova") -> dict[str, str]:
    return svc.auth(Role.JURY_CHAIR, sub=sub, scopes={ScopeKind.SUBJECT: ["math"]})


async def test_before_decoding_there_is_no_table_and_the_status_says_why(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.checked())  # scored, not decoded
    chair = math_chair(svc)

    ties = await svc.client.get(f"{subject.jury}/ties", headers=chair)
    assert ties.status_code == 200, ties.text
    body = ties.json()
    assert (body["ready"], body["ties"], body["quota_places"]) == (False, [], None)
    assert "расшифровка" in body["not_ready_reason"]

    status = (await svc.client.get(f"{subject.jury}/final/status", headers=chair)).json()
    assert status["submission_blockers"] == [
        "предварительные результаты ещё не сформированы: нужны расшифровка работ и проверенные"
        " баллы всех работ (п. 61, 65)"
    ]
    assert status["blockers"] == status["submission_blockers"]
    assert status["can_approve"] is False


async def test_p117_the_boundary_group_with_its_works_and_names_then_the_ruling_with_who_made_it(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    chair = math_chair(svc)

    body = (await svc.client.get(f"{subject.jury}/ties", headers=chair)).json()
    # six ranked (the annulled work is not), 45 % of them rounded down: two places
    assert (body["ready"], body["ranked"], body["quota_places"], body["max_total"]) == (
        True,
        6,
        2,
        "50",
    )
    assert body["undecided"] == 1
    [group] = body["ties"]
    assert {k: group[k] for k in ("total", "participants", "place", "places_left")} == {
        "total": "35.5",
        "participants": 3,
        "place": "2–4",
        "places_left": 1,
    }
    assert (group["statuses"], group["default"], group["decision"]) == (
        ["призёр", "участник"],
        "участник",
        None,
    )
    # alphabetical within the group (§123), ё read as е; the code and full name as in the protocol
    assert [(m["position"], m["participant"], m["work_code"]) for m in group["members"]] == [
        (2, "Ёлкина Анна Владимировна", subject.codes["Ёлкина"]),
        (3, "Ельцова Ирина", subject.codes["Ельцова"]),
        (4, "Жукова Мария Петровна", subject.codes["Жукова"]),
    ]
    status = (await svc.client.get(f"{subject.jury}/final/status", headers=chair)).json()
    assert status["submission_blockers"] == [
        "нет решения председателя жюри по участникам с равной суммой баллов 35,5 на границе"
        " квоты: 3 чел., мест по квоте осталось 1 (п. 117)"
    ]

    decided = await svc.client.post(
        f"{subject.jury}/tie-decisions", json={"total": "35.5", "status": "призёр"}, headers=chair
    )
    assert decided.status_code == 200, decided.text
    after = (await svc.client.get(f"{subject.jury}/ties", headers=chair)).json()
    [ruled] = after["ties"]
    assert (after["undecided"], ruled["decision"], ruled["decided_by"]) == (
        0,
        "призёр",
        "chair-smirnova",
    )
    assert ruled["decided_at"] is not None
    status = (await svc.client.get(f"{subject.jury}/final/status", headers=chair)).json()
    assert (status["submission_blockers"], status["blockers"]) == ([], [])
    assert status["can_approve"] is False  # nothing stands, but nothing is submitted either
    submitted = await svc.client.post(f"{subject.jury}/final/submission", headers=chair)
    assert submitted.status_code == 201, submitted.text
    assert submitted.json()["can_approve"] is True


async def test_the_ties_are_the_chair_of_the_subjects_alone(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    url = f"{subject.jury}/ties"
    physics = svc.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: ["physics"]})
    assert (await svc.client.get(url, headers=physics)).status_code == 403
    member = svc.auth(Role.JURY_MEMBER, scopes={ScopeKind.SUBJECT: ["math"]})
    assert (await svc.client.get(url, headers=member)).status_code == 403
    assert (await svc.client.get(url)).status_code == 401
    unknown = f"/olympiads/{subject.olympiad_id}/subjects/alchemy/grades/9/ties"
    assert (await svc.client.get(unknown, headers=svc.auth(Role.JURY_CHAIR))).status_code == 404
