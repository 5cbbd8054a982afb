"""Checking through the HTTP API: two marks (§69), the third for a disputed task (§73), annulment."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from olymp_core.auth import Role, ScopeKind
from olymp_core.testing.service import ServiceHarness
from tests.integration.scoring.conftest import (
    CHAIR,
    MATH_JURY,
    base,
    code_works,
    mark,
    outbox_payloads,
    set_scheme,
)

pytestmark = pytest.mark.integration

CHECKED = "scoring.subject_grade_checked.v1"


async def test_p69_two_marks_within_threshold_give_the_rounded_mean(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    assert (await set_scheme(svc, olympiad_id)).status_code == 200
    await code_works(svc, olympiad_id, "M9-001")
    first = await mark(svc, olympiad_id, "M9-001", "jury-a", t1="7", t2="3")
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "awaiting_marks"
    second = await mark(svc, olympiad_id, "M9-001", "jury-b", t1="8", t2="4.5")
    assert second.json() == {
        "work_code": "M9-001",
        "status": "checked",
        "status_label": "проверена",
        "needs_third_mark_tasks": [],
    }
    listed = await svc.client.get(
        base(olympiad_id) + "/works", headers=svc.auth(Role.JURY_CHAIR, sub=CHAIR, scopes=MATH_JURY)
    )
    (work,) = listed.json()["works"]
    # (7 + 8) / 2 = 7.5; (3 + 4.5) / 2 = 3.75 rounds half-up to the step: 4
    assert work["final_scores"] == {"1": "7.5", "2": "4"}
    assert work["total"] == "11.5"


async def test_p73_a_third_member_marks_only_the_disputed_task_and_decides(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id, threshold="2")
    await code_works(svc, olympiad_id, "M9-002")
    await mark(svc, olympiad_id, "M9-002", "jury-a", t1="2", t2="5")
    second = await mark(svc, olympiad_id, "M9-002", "jury-b", t1="6", t2="6")
    assert second.json()["status"] == "needs_third_mark"
    assert second.json()["needs_third_mark_tasks"] == [1]

    both = await mark(svc, olympiad_id, "M9-002", "jury-c", t1="5", t2="5")
    assert both.status_code == 409
    assert "п. 73" in both.json()["detail"]

    third = await mark(svc, olympiad_id, "M9-002", "jury-c", t1="5")
    assert third.json()["status"] == "checked"
    listed = await svc.client.get(
        base(olympiad_id) + "/works", headers=svc.auth(Role.JURY_CHAIR, sub=CHAIR, scopes=MATH_JURY)
    )
    assert listed.json()["works"][0]["final_scores"] == {"1": "5", "2": "5.5"}


async def test_p69_the_same_member_cannot_mark_a_work_twice(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, "M9-003")
    assert (await mark(svc, olympiad_id, "M9-003", "jury-a", t1="1", t2="1")).status_code == 200
    again = await mark(svc, olympiad_id, "M9-003", "jury-a", t1="2", t2="2")
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert "п. 69" in again.json()["detail"]

    # the same marks sent again (a retry after a lost answer) stand once, not as a second marking
    repeated = await mark(svc, olympiad_id, "M9-003", "jury-a", t1="1", t2="1.0")
    assert repeated.status_code == 200, repeated.text
    seen = await svc.client.get(
        base(olympiad_id) + "/works",
        headers=svc.auth(Role.JURY_MEMBER, sub="jury-a", scopes=MATH_JURY),
    )
    (work,) = seen.json()["works"]
    assert work["my_marks"] == {"1": "1", "2": "1"}


async def test_p72_points_out_of_range_or_off_step_are_refused(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, "M9-004")
    too_many = await mark(svc, olympiad_id, "M9-004", "jury-a", t1="11", t2="1")
    assert too_many.status_code == 422
    assert "от 0 до 10" in too_many.json()["detail"]
    off_step = await mark(svc, olympiad_id, "M9-004", "jury-a", t1="1.25", t2="1")
    assert off_step.status_code == 422
    missing = await mark(svc, olympiad_id, "M9-004", "jury-a", t1="1")
    assert missing.status_code == 409
    assert "не все задания" in missing.json()["detail"]


async def test_p69_a_jury_member_sees_only_their_own_marks(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, "M9-005")
    await mark(svc, olympiad_id, "M9-005", "jury-a", t1="3", t2="4")
    await mark(svc, olympiad_id, "M9-005", "jury-b", t1="8.5", t2="4")
    seen = await svc.client.get(
        base(olympiad_id) + "/works",
        headers=svc.auth(Role.JURY_MEMBER, sub="jury-a", scopes=MATH_JURY),
    )
    (work,) = seen.json()["works"]
    assert work["my_marks"] == {"1": "3", "2": "4"}
    assert work["final_scores"] is None and work["total"] is None
    assert work["jury_member_ids"] is None
    assert "8.5" not in seen.text and "jury-b" not in seen.text


async def test_the_scheme_is_frozen_once_a_mark_exists(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, "M9-006")
    assert (await set_scheme(svc, olympiad_id, threshold="1")).status_code == 200
    await mark(svc, olympiad_id, "M9-006", "jury-a", t1="3", t2="4")
    refused = await set_scheme(svc, olympiad_id, threshold="3")
    assert refused.status_code == 409


async def test_p68_annulled_work_counts_as_done_and_takes_no_marks(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, "M9-007", "M9-008")
    annul = await svc.client.post(
        f"/olympiads/{olympiad_id}/works/M9-007/annulment",
        json={"reason": "identifying_marks"},
        headers=svc.auth(Role.JURY_CHAIR, sub=CHAIR, scopes=MATH_JURY),
    )
    assert annul.status_code == 200, annul.text
    assert "п. 47, 52, 68" in annul.json()["reason_text"]
    refused = await mark(svc, olympiad_id, "M9-007", "jury-a", t1="3", t2="4")
    assert refused.status_code == 409
    # the same annulment again (a retry) stands; another reason for an annulled work is refused
    twice = await svc.client.post(
        f"/olympiads/{olympiad_id}/works/M9-007/annulment",
        json={"reason": "identifying_marks"},
        headers=svc.auth(Role.JURY_CHAIR, sub=CHAIR, scopes=MATH_JURY),
    )
    assert twice.status_code == 200, twice.text
    other = await svc.client.post(
        f"/olympiads/{olympiad_id}/works/M9-007/annulment",
        json={"reason": "violation_before_approval"},
        headers=svc.auth(Role.JURY_CHAIR, sub=CHAIR, scopes=MATH_JURY),
    )
    assert other.status_code == 409

    progress_url = base(olympiad_id) + "/progress"
    observer = svc.auth(Role.OBSERVER, sub="observer-1")
    progress = (await svc.client.get(progress_url, headers=observer)).json()
    assert progress == {
        "works_total": 2,
        "works_checked": 0,
        "works_annulled": 1,
        "all_checked": False,
    }
    await mark(svc, olympiad_id, "M9-008", "jury-a", t1="3", t2="4")
    await mark(svc, olympiad_id, "M9-008", "jury-b", t1="3", t2="4")
    progress = (await svc.client.get(progress_url, headers=observer)).json()
    assert progress["all_checked"] is True and progress["works_checked"] == 1

    (checked,) = await outbox_payloads(svc, "scoring.subject_grade_checked.v1", olympiad_id)
    by_code = {work["work_code"]: work for work in checked["works"]}
    assert by_code["M9-007"]["annulled"] is True
    assert by_code["M9-007"]["annulment_reason"] == "identifying_marks"
    assert by_code["M9-008"]["total"] == "7"


async def test_p61_subject_grade_checked_is_published_once_under_concurrent_last_marks(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    codes = [f"M9-1{n:02d}" for n in range(4)]
    await code_works(svc, olympiad_id, *codes)
    for code in codes:
        await mark(svc, olympiad_id, code, "jury-a", t1="5", t2="5")
    last = await asyncio.gather(
        *(mark(svc, olympiad_id, code, "jury-b", t1="6", t2="5") for code in codes)
    )
    assert [response.status_code for response in last] == [200] * len(codes)
    (event,) = await outbox_payloads(svc, CHECKED, olympiad_id)
    assert sorted(work["work_code"] for work in event["works"]) == codes
    assert event["task_max"] == {"1": "10", "2": "10"}
    assert {work["total"] for work in event["works"]} == {"10.5"}


async def test_a_late_work_reopens_the_subject_grade_and_it_is_announced_again(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, "M9-201")
    await mark(svc, olympiad_id, "M9-201", "jury-a", t1="5", t2="5")
    await mark(svc, olympiad_id, "M9-201", "jury-b", t1="5", t2="5")
    assert len(await outbox_payloads(svc, CHECKED, olympiad_id)) == 1
    await code_works(svc, olympiad_id, "M9-202")
    progress = await svc.client.get(
        base(olympiad_id) + "/progress", headers=svc.auth(Role.CODING_OFFICER)
    )
    assert progress.json()["all_checked"] is False
    await mark(svc, olympiad_id, "M9-202", "jury-a", t1="1", t2="1")
    await mark(svc, olympiad_id, "M9-202", "jury-b", t1="1", t2="1")
    first, second = await outbox_payloads(svc, CHECKED, olympiad_id)
    assert len(first["works"]) == 1 and len(second["works"]) == 2


async def test_marks_need_a_token_and_a_jury_role(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    url = f"/olympiads/{olympiad_id}/works/M9-001/marks"
    body = {"task_scores": {"1": "1"}}
    assert (await svc.client.post(url, json=body)).status_code == 401
    observer = await svc.client.post(url, json=body, headers=svc.auth(Role.OBSERVER))
    assert observer.status_code == 403
    member_scheme = await svc.client.put(
        base(olympiad_id) + "/scheme",
        json={
            "tasks": [{"number": 1, "max_points": "5"}],
            "threshold": {"kind": "points", "value": "1"},
        },
        headers=svc.auth(Role.JURY_MEMBER, scopes=MATH_JURY),
    )
    assert member_scheme.status_code == 403
    other_subject = await svc.client.get(
        base(olympiad_id) + "/works",
        headers=svc.auth(Role.JURY_MEMBER, scopes={ScopeKind.SUBJECT: ["physics"]}),
    )
    assert other_subject.status_code == 403
    await code_works(svc, olympiad_id, "M9-501")
    physics_member = await svc.client.post(
        f"/olympiads/{olympiad_id}/works/M9-501/marks",
        json={"task_scores": {"1": "1", "2": "1"}},
        headers=svc.auth(Role.JURY_MEMBER, scopes={ScopeKind.SUBJECT: ["physics"]}),
    )
    assert physics_member.status_code == 403
