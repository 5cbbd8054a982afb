"""A member's comment and annotations travel with the marks and are read only with the rounds:
the third member holding the work and the chair see every round's, labelled; the other first
member never does (§69, §73)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from olymp_core.auth import Role
from olymp_core.testing.service import ServiceHarness
from tests.integration.scoring.conftest import code_works, mark, set_scheme

pytestmark = pytest.mark.integration

PAGE_1 = "0b6f3c52-1d5e-4c8e-9a51-0d9a1e7c2f01"
PAGE_2 = "0b6f3c52-1d5e-4c8e-9a51-0d9a1e7c2f02"


async def mark_with_notes(
    svc: ServiceHarness, olympiad_id: uuid.UUID, code: str, member: str, body: dict[str, Any]
) -> Any:
    return await svc.client.post(
        f"/olympiads/{olympiad_id}/works/{code}/marks",
        json=body,
        headers=svc.auth(Role.JURY_MEMBER, sub=member),
    )


async def rounds_as(
    svc: ServiceHarness, olympiad_id: uuid.UUID, code: str, role: Role, who: str
) -> Any:
    return await svc.client.get(
        f"/olympiads/{olympiad_id}/works/{code}/rounds", headers=svc.auth(role, sub=who)
    )


async def test_notes_are_kept_with_the_marks_and_shown_with_the_rounds_only(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id, threshold="2")
    await code_works(svc, olympiad_id, "N-101")
    first = {
        "task_scores": {"1": "1", "2": "5"},
        "comment": "  Во 2-м задании ответ верный, но без обоснования.  ",
        "annotations": [
            {"page_id": PAGE_1, "kind": "tick", "x": 0.25, "y": 0.4},
            {
                "page_id": PAGE_2,
                "kind": "box",
                "x": 0.1,
                "y": 0.6,
                "width": 0.5,
                "height": 0.2,
                "text": "ошибка в знаке",
            },
            {"page_id": PAGE_2, "kind": "text", "x": 0.7, "y": 0.05, "text": "см. черновик?"},
        ],
    }
    answered = await mark_with_notes(svc, olympiad_id, "N-101", "jury-ёлкина", first)
    assert answered.status_code == 200, answered.text
    # the second member marks blind: the rounds (and so the notes) are refused to them (§69)
    assert (
        await rounds_as(svc, olympiad_id, "N-101", Role.JURY_MEMBER, "jury-b")
    ).status_code == 403
    await mark(svc, olympiad_id, "N-101", "jury-b", t1="9", t2="5")
    chair = await rounds_as(svc, olympiad_id, "N-101", Role.JURY_CHAIR, "chair-ivanova")
    assert chair.status_code == 200, chair.text
    first_round, second_round = chair.json()["rounds"]
    assert first_round["label"] == "1-я проверка"
    assert first_round["comment"] == "Во 2-м задании ответ верный, но без обоснования."
    assert [(a["kind"], a["page_id"], a["x"], a["y"]) for a in first_round["annotations"]] == [
        ("tick", PAGE_1, 0.25, 0.4),
        ("box", PAGE_2, 0.1, 0.6),
        ("text", PAGE_2, 0.7, 0.05),
    ]
    box = first_round["annotations"][1]
    assert (box["width"], box["height"], box["text"]) == (0.5, 0.2, "ошибка в знаке")
    # a member who wrote nothing has an empty comment and no annotations, not a missing field
    assert (second_round["comment"], second_round["annotations"]) == ("", [])


@pytest.mark.parametrize(
    ("annotation", "where"),
    [
        ({"page_id": PAGE_1, "kind": "tick", "x": 1.5, "y": 0.4}, "x"),
        (
            {"page_id": PAGE_1, "kind": "box", "x": 0.8, "y": 0.4, "width": 0.5, "height": 0.1},
            "за край",
        ),
        ({"page_id": PAGE_1, "kind": "text", "x": 0.5, "y": 0.4, "text": " "}, "пуста"),
        ({"page_id": PAGE_1, "kind": "star", "x": 0.5, "y": 0.4}, "kind"),
    ],
)
async def test_a_bad_annotation_is_refused_with_what_is_wrong_and_nothing_is_recorded(
    svc: ServiceHarness, olympiad_id: uuid.UUID, annotation: dict[str, Any], where: str
) -> None:
    await set_scheme(svc, olympiad_id, threshold="2")
    await code_works(svc, olympiad_id, "N-201")
    body = {"task_scores": {"1": "3", "2": "4"}, "annotations": [annotation]}
    refused = await mark_with_notes(svc, olympiad_id, "N-201", "jury-a", body)
    assert refused.status_code == 422, refused.text
    assert where in refused.text
    # nothing of the marking stands: the same member may send it again, corrected
    body["annotations"] = []
    assert (await mark_with_notes(svc, olympiad_id, "N-201", "jury-a", body)).status_code == 200


async def test_a_retried_marking_keeps_one_set_of_notes(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    await set_scheme(svc, olympiad_id, threshold="2")
    await code_works(svc, olympiad_id, "N-301")
    body = {"task_scores": {"1": "2", "2": "2"}, "comment": "Почерк неразборчив на с. 2."}
    for _ in range(2):  # a lost answer and the browser sends again
        assert (await mark_with_notes(svc, olympiad_id, "N-301", "jury-a", body)).status_code == 200
    chair = await rounds_as(svc, olympiad_id, "N-301", Role.JURY_CHAIR, "chair-ivanova")
    assert [r["comment"] for r in chair.json()["rounds"]] == ["Почерк неразборчив на с. 2."]
