"""The officer's decisions in the manual queue: a draft (§45), a discarded page, an assignment with
the page's rotation; each taken back until the grade is decoded; title pages never reach the jury;
what the queue suggests; the decoding gate as the officer's screen reads it."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from olymp_coding.scans.domain import TITLES_PREFIX, answer_payload, title_payload
from olymp_core.audit import audit_log
from olymp_core.auth import Role, ScopeKind
from olymp_core.contracts.scoring import ScoredWork, SubjectGradeChecked
from tests.support.scan_pages import encode, make_page_image, pdf_of

from .conftest import Olympiad

pytestmark = pytest.mark.integration


def officer(olympiad: Olympiad, sub: str = "officer-1") -> dict[str, str]:
    return olympiad.svc.auth(Role.CODING_OFFICER, sub=sub)


async def queued_page(olympiad: Olympiad, seed: int, *payloads: str) -> str:
    response = await olympiad.upload(encode(make_page_image(payloads, seed=seed)), f"p{seed}.jpg")
    (outcome,) = response.json()["pages"]
    assert outcome["outcome"] == "manual", outcome
    return str(outcome["page_id"])


async def queue(olympiad: Olympiad) -> list[dict[str, Any]]:
    response = await olympiad.svc.client.get(
        f"{olympiad.base}/scans/manual", headers=officer(olympiad)
    )
    assert response.status_code == 200, response.text
    return list(response.json()["pages"])


async def decide(olympiad: Olympiad, page_id: str, resolution: str, **extra: Any) -> Any:
    return await olympiad.svc.client.post(
        f"{olympiad.base}/scans/{page_id}/resolution",
        json={"resolution": resolution, **extra},
        headers=officer(olympiad),
    )


async def assign(olympiad: Olympiad, page_id: str, code: str, **extra: Any) -> Any:
    return await olympiad.svc.client.post(
        f"{olympiad.base}/scans/{page_id}/assignment",
        json={"work_code": code, "subject_code": "math", **extra},
        headers=officer(olympiad),
    )


async def take_back(olympiad: Olympiad, page_id: str, sub: str = "officer-1") -> Any:
    return await olympiad.svc.client.delete(
        f"{olympiad.base}/scans/{page_id}/resolution", headers=officer(olympiad, sub)
    )


async def jury_page_ids(olympiad: Olympiad, code: str) -> set[str]:
    response = await olympiad.svc.client.get(
        f"{olympiad.base}/works/{code}/pages", headers=olympiad.svc.auth(Role.JURY_CHAIR)
    )
    assert response.status_code == 200, response.text
    return {p["page_id"] for p in response.json()["pages"]}


async def audit_of(olympiad: Olympiad, page_id: str) -> list[tuple[str, str]]:
    async with olympiad.svc.uows() as uow:
        rows = await uow.session.execute(
            sa.select(audit_log.c.action, audit_log.c.actor)
            .where(audit_log.c.object_id == page_id, audit_log.c.action != "scan.page_viewed")
            .order_by(audit_log.c.seq)
        )
        return [(row.action, row.actor) for row in rows]


async def row_of(olympiad: Olympiad, page_id: str) -> Any:
    return next(row for row in await olympiad.pages() if str(row.page_id) == page_id)


async def resolved(olympiad: Olympiad) -> dict[str, dict[str, Any]]:
    response = await olympiad.svc.client.get(
        f"{olympiad.base}/scans/resolved", headers=officer(olympiad)
    )
    assert response.status_code == 200, response.text
    return {p["page_id"]: p for p in response.json()["pages"]}


async def test_p45_a_draft_leaves_the_queue_for_no_work_and_can_be_taken_back(
    olympiad: Olympiad,
) -> None:
    page_id = await queued_page(olympiad, seed=31)

    drafted = await decide(olympiad, page_id, "draft", rotation=180)

    assert drafted.status_code == 200, drafted.text
    assert drafted.json()["resolution"] == "draft"
    assert "п. 45" in drafted.json()["resolution_label"]
    assert await queue(olympiad) == []
    row = await row_of(olympiad, page_id)
    assert (row.queue_state, row.resolution, row.work_code, row.resolved_by) == (
        "resolved",
        "draft",
        None,
        "officer-1",
    )
    # never checked: no work's pages hold it, and its signed link cannot be had
    for code in olympiad.math:
        assert page_id not in await jury_page_ids(olympiad, code)
    listed = await resolved(olympiad)
    assert listed[page_id]["returnable"] is True
    # a second decision on it is refused until it is back in the queue
    again = await assign(olympiad, page_id, olympiad.math[0])
    assert again.status_code == 409 and "уже не в очереди" in again.json()["detail"]

    back = await take_back(olympiad, page_id, sub="officer-2")

    assert back.status_code == 200, back.text
    assert back.json()["queue_state"] == "pending" and back.json()["resolution"] is None
    assert [p["page_id"] for p in await queue(olympiad)] == [page_id]
    assert await audit_of(olympiad, page_id) == [
        ("scan.page_drafted", "officer-1"),
        ("scan.page_returned", "officer-2"),
    ]
    twice = await take_back(olympiad, page_id)
    assert twice.status_code == 409 and "и так в очереди" in twice.json()["detail"]


async def test_a_discarded_page_belongs_to_nothing_and_a_routed_page_is_not_the_queues(
    olympiad: Olympiad,
) -> None:
    page_id = await queued_page(olympiad, seed=32)
    routed = await olympiad.upload(
        encode(make_page_image((answer_payload(olympiad.math[0], 1),), seed=33)), "ok.jpg"
    )
    routed_id = routed.json()["pages"][0]["page_id"]

    discarded = await decide(olympiad, page_id, "discarded")
    draft_of_routed = await decide(olympiad, routed_id, "draft")
    back_of_routed = await take_back(olympiad, routed_id)
    unknown = await decide(olympiad, page_id, "shredded")

    assert discarded.status_code == 200 and discarded.json()["resolution"] == "discarded"
    assert draft_of_routed.status_code == 409  # settled on its work by its label
    assert back_of_routed.status_code == 409 and "по наклейке" in back_of_routed.json()["detail"]
    assert unknown.status_code == 422
    assert await queue(olympiad) == []
    assert await jury_page_ids(olympiad, olympiad.math[0]) == {routed_id}
    assert ("scan.page_discarded", "officer-1") in await audit_of(olympiad, page_id)


async def test_an_assignment_taken_back_leaves_the_works_pages_and_its_rotation_reaches_the_jury(
    olympiad: Olympiad,
) -> None:
    code = olympiad.math[1]
    page_id = await queued_page(olympiad, seed=34)

    done = await assign(olympiad, page_id, code, rotation=90)

    assert done.status_code == 200, done.text
    links = await olympiad.svc.client.get(
        f"{olympiad.base}/works/{code}/pages", headers=olympiad.svc.auth(Role.JURY_MEMBER)
    )
    (link,) = links.json()["pages"]
    assert (link["page_id"], link["rotation"]) == (page_id, 90)
    assert (await row_of(olympiad, page_id)).orientation == 270  # the scan itself is not turned
    bad_rotation = await assign(olympiad, await queued_page(olympiad, seed=35), code, rotation=45)
    assert bad_rotation.status_code == 422

    back = await take_back(olympiad, page_id)

    assert back.status_code == 200, back.text
    assert await jury_page_ids(olympiad, code) == set()
    (waiting,) = [p for p in await queue(olympiad) if p["page_id"] == page_id]
    assert waiting["rotation"] == 90  # shown upright again, as the officer left it


async def decode_math_9(olympiad: Olympiad) -> None:
    await olympiad.svc.deliver(
        SubjectGradeChecked(
            olympiad_id=olympiad.olympiad_id,
            subject_code="math",
            grade=9,
            task_max={"1": Decimal(10)},
            works=tuple(
                ScoredWork(
                    work_code=code,
                    task_scores={"1": Decimal(5)},
                    total=Decimal(5),
                    max_total=Decimal(10),
                )
                for code in olympiad.math
            ),
        )
    )
    response = await olympiad.svc.client.post(
        f"{olympiad.base}/subjects/math/grades/9/decode",
        headers=officer(olympiad, "officer-decoder"),
    )
    assert response.status_code == 200, response.text


async def test_p65_after_decoding_no_page_joins_or_leaves_a_work_of_the_grade(
    olympiad: Olympiad,
) -> None:
    assigned = await queued_page(olympiad, seed=36)
    drafted = await queued_page(olympiad, seed=37)
    waiting = await queued_page(olympiad, seed=38)
    assert (await assign(olympiad, assigned, olympiad.math[2])).status_code == 200
    assert (await decide(olympiad, drafted, "draft")).status_code == 200

    await decode_math_9(olympiad)

    refused_back = await take_back(olympiad, assigned)
    refused_assign = await assign(olympiad, waiting, olympiad.math[0])
    draft_back = await take_back(olympiad, drafted)

    assert refused_back.status_code == 409
    assert "уже декодированы" in refused_back.json()["detail"]
    assert refused_assign.status_code == 409 and "п. 65" in refused_assign.json()["detail"]
    # a draft is on no work: taking it back changes no decoded work
    assert draft_back.status_code == 200
    assert await jury_page_ids(olympiad, olympiad.math[2]) == {assigned}
    listed = await resolved(olympiad)
    assert listed[assigned]["returnable"] is False and listed[assigned]["grade"] == 9
    assert "председателю жюри" in listed[assigned]["why_not"]
    # the decoded grade's works are no longer suggested for the pages still waiting
    for item in await queue(olympiad):
        assert not {s["work_code"] for s in item["suggestions"]} & set(olympiad.math)


async def test_p63_title_pages_are_apart_in_the_queue_and_never_reach_the_jury(
    olympiad: Olympiad,
) -> None:
    svc, code = olympiad.svc, olympiad.math[0]
    # a math work's title page fed at the physics station: it waits, kept under titles/
    title_id = await queued_page_at(olympiad, "physics", seed=39, payload=title_payload(code))
    physics_queue = await svc.client.get(f"{olympiad.base}/scans/manual", headers=officer(olympiad))
    (item,) = [p for p in physics_queue.json()["pages"] if p["page_id"] == title_id]
    assert item["kind"] == "title"
    assert (await row_of(olympiad, title_id)).object_key.startswith(f"{TITLES_PREFIX}/")
    thumbnail = await svc.client.get(item["thumbnail_url"], headers=officer(olympiad))
    assert thumbnail.status_code == 200 and thumbnail.content[:3] == b"\xff\xd8\xff"
    for role in (Role.JURY_MEMBER, Role.JURY_CHAIR, Role.SCANNER):
        assert (
            await svc.client.get(item["thumbnail_url"], headers=svc.auth(role))
        ).status_code == 403

    drafted = await decide(olympiad, title_id, "draft")
    assert drafted.status_code == 200
    assert (await row_of(olympiad, title_id)).object_key.startswith(f"{TITLES_PREFIX}/")
    assert (await take_back(olympiad, title_id)).status_code == 200
    assigned = await svc.client.post(
        f"{olympiad.base}/scans/{title_id}/assignment",
        json={"work_code": code, "subject_code": "math", "kind": "title"},
        headers=officer(olympiad),
    )

    assert assigned.status_code == 200, assigned.text
    assert await jury_page_ids(olympiad, code) == set()
    title = await svc.client.get(f"{olympiad.base}/titles/{code}", headers=officer(olympiad))
    assert title.status_code == 200
    # taken back, it waits among the title pages again, still under titles/
    assert (await take_back(olympiad, title_id)).status_code == 200
    row = await row_of(olympiad, title_id)
    assert (row.kind, row.queue_state) == ("title", "pending")
    assert row.object_key.startswith(f"{TITLES_PREFIX}/")


async def queued_page_at(olympiad: Olympiad, station: str, *, seed: int, payload: str) -> str:
    response = await olympiad.upload(
        encode(make_page_image((payload,), seed=seed)), f"t{seed}.jpg", subject_code=station
    )
    (outcome,) = response.json()["pages"]
    assert outcome["outcome"] == "manual", outcome
    return str(outcome["page_id"])


async def test_a_page_between_two_sheets_of_a_work_is_suggested_that_work(
    olympiad: Olympiad,
) -> None:
    code, other = olympiad.math[0], olympiad.math[1]
    pages = [
        make_page_image((answer_payload(code, 1),), seed=40),
        make_page_image((), seed=41),  # its label torn off: sheet 2 of the same work
        make_page_image((answer_payload(code, 3),), seed=42),
        make_page_image((answer_payload(other, 1),), seed=43),
    ]
    response = await olympiad.upload(pdf_of(pages), "packet.pdf")
    assert response.status_code == 200, response.text

    (item,) = await queue(olympiad)

    assert item["source_page"] == 2
    first = item["suggestions"][0]
    assert first["work_code"] == code
    assert "не хватает листа 2" in first["reason"]
    # the work without any page comes after; the other work of the file is complete
    offered = {s["work_code"]: s["reason"] for s in item["suggestions"]}
    assert offered[olympiad.math[2]] == "у работы ещё нет ни одной страницы"
    assert other not in offered


async def test_the_decoding_gate_shows_how_many_and_which_works_are_unchecked(
    olympiad: Olympiad,
) -> None:
    svc = olympiad.svc
    await queued_page(olympiad, seed=44)
    url = f"{olympiad.base}/decoding"

    before = (await svc.client.get(url, headers=officer(olympiad))).json()["grades"]
    physics_chair = await svc.client.get(
        url, headers=svc.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: ["physics"]})
    )
    jury = await svc.client.get(url, headers=svc.auth(Role.JURY_MEMBER))
    await decode_math_9(olympiad)
    after = (await svc.client.get(url, headers=officer(olympiad))).json()["grades"]

    math_before = next(g for g in before if g["subject_code"] == "math")
    assert (math_before["grade"], math_before["works"], math_before["allowed"]) == (9, 3, False)
    assert math_before["unchecked_codes"] == sorted(olympiad.math)
    assert "не проверено работ — 3 из 3" in math_before["reason"]
    assert math_before["queued_pages"] == 1 and math_before["decoded"] is False
    assert [g["subject_code"] for g in physics_chair.json()["grades"]] == ["physics"]
    assert jury.status_code == 403
    math_after = next(g for g in after if g["subject_code"] == "math")
    assert math_after["decoded"] is True and math_after["allowed"] is False
    assert (math_after["decoded_count"], math_after["decoded_by"]) == (3, "officer-decoder")
    assert math_after["unchecked_codes"] == [] and math_after["checked"] == 3


async def test_every_new_route_needs_the_coding_role(olympiad: Olympiad) -> None:
    svc, page_id = olympiad.svc, uuid.uuid4()
    calls = [
        ("GET", "/scans/resolved", None),
        ("GET", f"/scans/{page_id}/thumbnail", None),
        ("POST", f"/scans/{page_id}/resolution", {"resolution": "draft"}),
        ("DELETE", f"/scans/{page_id}/resolution", None),
    ]
    for method, path, body in calls:
        url = olympiad.base + path
        anonymous = await svc.client.request(method, url, json=body)
        jury = await svc.client.request(method, url, json=body, headers=svc.auth(Role.JURY_CHAIR))
        allowed = await svc.client.request(method, url, json=body, headers=officer(olympiad))
        assert (anonymous.status_code, jury.status_code) == (401, 403), path
        assert allowed.status_code in (200, 404), (path, allowed.text)
