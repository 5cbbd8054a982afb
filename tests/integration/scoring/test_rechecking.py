"""Selective re-checking (§21; seed 000 §2): a seeded sample, a blind re-check by a member who did not
mark the work, the regional coordinator's request, and the report; the official scores never move."""

from __future__ import annotations

import io
import uuid
from typing import Any

import openpyxl
import pypdfium2  # type: ignore[import-untyped]
import pytest
import sqlalchemy as sa

from olymp_core.audit import audit_log
from olymp_core.auth import Role, ScopeKind
from olymp_core.testing.service import ServiceHarness
from olymp_scoring.domain.rechecking import draw_sample
from tests.integration.scoring.conftest import (
    CHAIR,
    SUBJECT,
    base,
    code_works,
    mark,
    outbox_payloads,
    set_scheme,
)

pytestmark = pytest.mark.integration

CHECKED = "scoring.subject_grade_checked.v1"


def organiser(svc: ServiceHarness) -> dict[str, str]:
    return svc.auth(Role.MUNICIPAL_COORDINATOR, sub="organiser-sergeeva")


def region(svc: ServiceHarness) -> dict[str, str]:
    return svc.auth(
        Role.COORDINATOR, sub="region-kuznetsova", scopes={ScopeKind.SUBJECT: [SUBJECT]}
    )


def member(svc: ServiceHarness, name: str) -> dict[str, str]:
    return svc.auth(Role.JURY_MEMBER, sub=name, scopes={ScopeKind.SUBJECT: [SUBJECT]})


async def checked_grade(svc: ServiceHarness, olympiad_id: uuid.UUID, count: int) -> list[str]:
    """`count` works, each marked by jury-ivanova and jury-petrov (4 and 6, 5 and 6)."""
    codes = [f"М9-{n:03d}" for n in range(1, count + 1)]
    await set_scheme(svc, olympiad_id)
    await code_works(svc, olympiad_id, *codes)
    for code in codes:
        assert (await mark(svc, olympiad_id, code, "jury-ivanova", t1="4", t2="6")).is_success
        assert (await mark(svc, olympiad_id, code, "jury-petrov", t1="5", t2="6")).is_success
    return codes


async def draw(svc: ServiceHarness, olympiad_id: uuid.UUID, **body: Any) -> Any:
    return await svc.client.post(
        base(olympiad_id) + "/recheck-samples", json=body, headers=organiser(svc)
    )


async def audited(svc: ServiceHarness, action: str, object_id: str) -> list[dict[str, Any]]:
    async with svc.uows() as uow:
        rows = await uow.session.scalars(
            sa.select(audit_log.c.payload)
            .where(audit_log.c.action == action, audit_log.c.object_id.startswith(object_id))
            .order_by(audit_log.c.seq)
        )
        return list(rows)


async def test_p21_a_recheck_sample_is_reproducible_from_its_seed_and_audited(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    codes = await checked_grade(svc, olympiad_id, 12)
    twin = uuid.uuid4()  # another olympiad with the same works, checked the same way
    assert await checked_grade(svc, twin, 12) == codes

    first = await draw(svc, olympiad_id, size=4, seed="перепроверка-2025")
    second = await draw(svc, twin, size=4, seed="перепроверка-2025")
    unmarked = uuid.uuid4()
    await set_scheme(svc, unmarked)
    await code_works(svc, unmarked, "М9-001")
    other = await draw(svc, unmarked, size=4, seed="x")

    assert first.status_code == 201, first.text
    drawn = first.json()["work_codes"]
    assert drawn == second.json()["work_codes"]
    assert drawn == list(draw_sample("перепроверка-2025", codes, 4))
    assert first.json()["eligible"] == 12
    assert other.status_code == 409  # nothing checked there: nothing to draw from
    assert other.json()["type"].endswith("recheck-refused")
    (entry,) = await audited(svc, "recheck.sample_drawn", str(olympiad_id))
    assert entry["seed"] == "перепроверка-2025"
    assert entry["drawn"] == drawn
    assert entry["eligible"] == codes
    # a second draw takes from the works not up for re-checking yet
    more = await draw(svc, olympiad_id, share="0.5")
    assert more.status_code == 201
    assert more.json()["eligible"] == 8
    assert len(more.json()["seed"]) == 16  # drawn by the service when none is given
    assert not set(more.json()["work_codes"]) & set(drawn)


async def test_p21_a_blind_recheck_by_a_member_who_did_not_mark_leaves_the_official_scores(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    (code,) = await checked_grade(svc, olympiad_id, 1)
    assert (await draw(svc, olympiad_id, size=1, seed="1")).status_code == 201
    official = await svc.client.get(
        base(olympiad_id) + "/works", headers=svc.auth(Role.JURY_CHAIR, sub=CHAIR)
    )
    announced = await outbox_payloads(svc, CHECKED, olympiad_id)

    marker = await svc.client.post(
        base(olympiad_id) + "/recheck-claims", headers=member(svc, "jury-ivanova")
    )
    claimed = await svc.client.post(
        base(olympiad_id) + "/recheck-claims", headers=member(svc, "jury-yolkina")
    )
    again = await svc.client.post(
        base(olympiad_id) + "/recheck-claims", headers=member(svc, "jury-yolkina")
    )
    busy = await svc.client.post(
        base(olympiad_id) + "/recheck-claims", headers=member(svc, "jury-sokolov")
    )
    by_marker = await svc.client.post(
        f"/olympiads/{olympiad_id}/works/{code}/recheck-marks",
        json={"task_scores": {"1": "4", "2": "6"}},
        headers=member(svc, "jury-petrov"),
    )
    by_another = await svc.client.post(
        f"/olympiads/{olympiad_id}/works/{code}/recheck-marks",
        json={"task_scores": {"1": "4", "2": "6"}},
        headers=member(svc, "jury-sokolov"),
    )
    rechecked = await svc.client.post(
        f"/olympiads/{olympiad_id}/works/{code}/recheck-marks",
        json={"task_scores": {"1": "9", "2": "6"}},
        headers=member(svc, "jury-yolkina"),
    )

    assert marker.status_code == 204  # a member who marked the work never gets it
    assert claimed.status_code == 201, claimed.text
    assert claimed.json()["work_code"] == code
    assert claimed.json()["tasks"] == [1, 2]
    assert set(claimed.json()) == {"work_code", "tasks", "expires_at"}  # no earlier marks
    assert again.json() == claimed.json()
    assert busy.status_code == 204
    assert by_marker.status_code == 409
    assert "Вы проверяли работу" in by_marker.json()["detail"]
    assert by_another.status_code == 409
    assert rechecked.status_code == 200, rechecked.text
    after = await svc.client.get(
        base(olympiad_id) + "/works", headers=svc.auth(Role.JURY_CHAIR, sub=CHAIR)
    )
    assert after.json() == official.json()
    assert await outbox_payloads(svc, CHECKED, olympiad_id) == announced
    rounds = await svc.client.get(
        f"/olympiads/{olympiad_id}/works/{code}/rounds", headers=member(svc, "jury-yolkina")
    )
    assert rounds.status_code == 403  # the re-checker never reads the others' marks

    report = await svc.client.get(base(olympiad_id) + "/rechecks", headers=organiser(svc))
    assert report.status_code == 200, report.text
    (work,) = report.json()["works"]
    assert work["state"] == "rechecked"
    assert work["rechecked_by"] == "jury-yolkina"
    assert [
        (t["official"], t["recheck"], t["difference"], t["significant"]) for t in work["tasks"]
    ] == [
        ("4.5", "9", "4.5", True),
        ("6", "6", "0", False),
    ]
    assert (work["official_total"], work["recheck_total"]) == ("10.5", "15")
    assert report.json()["totals"] == {
        "works": 1,
        "rechecked": 1,
        "differing": 1,
        "significant": 1,
        "mean_absolute_difference": "4.5",
    }
    (entry,) = await audited(svc, "work.rechecked", f"{olympiad_id}/{code}")
    assert entry["task_scores"] == {"1": "9", "2": "6"}


async def test_p21_the_regional_coordinator_requests_works_all_or_nothing(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    codes = await checked_grade(svc, olympiad_id, 3)
    await code_works(svc, olympiad_id, "М9-404")  # coded, not checked
    url = base(olympiad_id) + "/recheck-requests"
    reason = "жалоба родителей на объективность оценивания"

    refused = await svc.client.post(
        url,
        json={"work_codes": [codes[0], "М9-999", "М9-404"], "reason": reason},
        headers=region(svc),
    )
    by_organiser = await svc.client.post(
        url, json={"work_codes": [codes[0]], "reason": reason}, headers=organiser(svc)
    )
    accepted = await svc.client.post(
        url, json={"work_codes": [codes[0], codes[1]], "reason": reason}, headers=region(svc)
    )
    repeated = await svc.client.post(
        url, json={"work_codes": [codes[1]], "reason": reason}, headers=region(svc)
    )

    assert refused.status_code == 409
    assert "«М9-999»" in refused.json()["detail"] and "«М9-404»" in refused.json()["detail"]
    assert by_organiser.status_code == 403
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {"added": [codes[0], codes[1]], "already": []}
    assert repeated.json() == {"added": [], "already": [codes[1]]}
    requested = await outbox_payloads(svc, "scoring.recheck_requested.v1", olympiad_id)
    assert [r["work_codes"] for r in requested] == [[codes[0], codes[1]], [codes[1]]]
    assert requested[0]["requested_by"] == "region-kuznetsova"
    report = await svc.client.get(base(olympiad_id) + "/rechecks", headers=region(svc))
    assert [(w["work_code"], w["origin"], w["state"]) for w in report.json()["works"]] == [
        (codes[0], "regional_request", "awaiting"),
        (codes[1], "regional_request", "awaiting"),
    ]
    assert report.json()["works"][0]["reason"] == reason


async def test_p21_the_recheck_report_as_pdf_and_xlsx_is_audited(
    svc: ServiceHarness, olympiad_id: uuid.UUID
) -> None:
    (code,) = await checked_grade(svc, olympiad_id, 1)
    assert (await draw(svc, olympiad_id, size=1, seed="отчёт")).status_code == 201
    assert (
        await svc.client.post(base(olympiad_id) + "/recheck-claims", headers=member(svc, "jury-c"))
    ).status_code == 201
    assert (
        await svc.client.post(
            f"/olympiads/{olympiad_id}/works/{code}/recheck-marks",
            json={"task_scores": {"1": "4.5", "2": "3"}},
            headers=member(svc, "jury-c"),
        )
    ).is_success
    chair = svc.auth(Role.JURY_CHAIR, sub=CHAIR, scopes={ScopeKind.SUBJECT: [SUBJECT]})

    pdf = await svc.client.get(base(olympiad_id) + "/rechecks/report.pdf", headers=chair)
    xlsx = await svc.client.get(base(olympiad_id) + "/rechecks/report.xlsx", headers=chair)

    assert pdf.status_code == 200, pdf.text
    document = pypdfium2.PdfDocument(pdf.content)
    try:
        text = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in document)
    finally:
        document.close()
    assert "Результаты перепроверки работ" in text
    assert "зерно «отчёт», отобрано 1 из 1" in text
    assert "-3 (значительное)" in text
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert [code, "выборка организатора", "1", "10", "4.5", "4.5", "0"] in values
    assert [code, "выборка организатора", "2", "10", "6", "3", "-3 (значительное)"] in values
    assert len(await audited(svc, "document.generated", str(olympiad_id))) == 2
