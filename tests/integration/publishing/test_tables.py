"""§65, §76, §122–123, §21: the preliminary table from events, its order and what the public sees."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from olymp_core.auth import Role, ScopeKind
from olymp_core.events.tables import outbox
from olymp_core.testing.service import ServiceHarness
from olymp_publishing.domain import canonical_sha256

from .conftest import SUBJECT, Subject

pytestmark = pytest.mark.integration

HIDDEN = ("Скрытнов", "Иван", "Тайная", "Морозов")


async def published_events(svc: ServiceHarness) -> list[dict[str, Any]]:
    async with svc.uows() as uow:
        rows = await uow.session.execute(
            sa.select(outbox.c.payload)
            .where(outbox.c.routing_key == "publishing.results_published.v1")
            .order_by(outbox.c.id)
        )
        return [dict(payload) for (payload,) in rows]


async def test_p65_preliminary_table_appears_once_decoding_and_scores_are_in(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded())
    assert (await svc.client.get(subject.base)).status_code == 404
    assert (await svc.client.get(f"/results/{subject.olympiad_id}")).json()["tables"] == []

    await svc.deliver(subject.checked())

    response = await svc.client.get(subject.base)
    assert response.status_code == 200
    table = response.json()
    assert (table["stage"], table["version"], table["stage_label"]) == (
        "preliminary",
        1,
        "предварительные",
    )
    assert table["max_total"] == "50"
    assert table["sha256"] == canonical_sha256({k: v for k, v in table.items() if k != "sha256"})
    assert await published_events(svc) == [
        {
            "olympiad_id": str(subject.olympiad_id),
            "subject_code": "math",
            "grade": 9,
            "stage": "preliminary",
            "table_version": 1,
        }
    ]
    # A repeated statement from scoring publishes nothing new.
    await svc.deliver(subject.checked())
    assert len(await published_events(svc)) == 1
    index = (await svc.client.get(f"/results/{subject.olympiad_id}")).json()["tables"]
    assert [(t["subject_code"], t["grade"], t["latest"]["version"]) for t in index] == [
        ("math", 9, 1)
    ]


async def test_p65_late_registration_completes_the_table(
    svc: ServiceHarness, subject: Subject
) -> None:
    registered = subject.registered()
    await svc.deliver(*registered[1:], subject.checked(), subject.decoded())
    assert (await svc.client.get(subject.base)).status_code == 404
    await svc.deliver(registered[0])
    assert (await svc.client.get(subject.base)).json()["version"] == 1


async def test_p123_equal_totals_alphabetical_with_yo_as_ye_and_quota_statuses(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    rows = (await svc.client.get(subject.base)).json()["rows"]
    assert [(r["place"], r["participant"], r["total"], r["status"]) for r in rows] == [
        ("1", "Абрамов П. И.", "48", "победитель"),
        ("2–4", "Ёлкина А. В.", "35.5", "участник"),
        ("2–4", "Ельцова И.", "35.5", "участник"),
        ("2–4", "Жукова М. П.", "35.5", "участник"),
        ("5", "участник № 5", "30", "участник"),
        ("6", "Кузнецов О. О.", "20", "участник"),
    ]
    assert rows[1]["school"] == "МБОУ «Лицей»"
    assert (rows[4]["grade"], rows[4]["school"]) == (None, None)


async def test_p21_no_personal_data_without_consent_in_any_format(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())

    as_json = (await svc.client.get(subject.base)).text
    csv_response = await svc.client.get(f"{subject.base}.csv")
    xlsx_response = await svc.client.get(f"{subject.base}.xlsx")
    html_response = await svc.client.get(f"{subject.base}.html")
    for response in (csv_response, xlsx_response, html_response):
        assert response.status_code == 200

    assert csv_response.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == [
        "№",
        "Место",
        "Участник",
        "Класс",
        "Образовательная организация",
        "Баллы",
        "Статус",
    ]
    assert lines[5] == ["5", "5", "участник № 5", "", "", "30", "участник"]
    assert lines[2][2] == "Ёлкина А. В."

    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert sheet is not None
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[1][4] == "Образовательная организация"
    assert cells[3][:5] == [2, "2–4", "Ёлкина А. В.", 9, "МБОУ «Лицей»"]
    assert cells[6][:5] == [5, "5", "участник № 5", None, None]
    xlsx_text = " ".join(str(cell) for row in cells for cell in row if cell is not None)

    page = html_response.text
    assert html_response.headers["content-type"].startswith("text/html")
    assert '<html lang="ru">' in page
    assert "<title>Математика, 9 класс: предварительные результаты</title>" in page
    assert "Версия 1" in page
    assert "МБОУ «Гимназия № 1»" in page
    for header in ("Место", "Участник", "Класс", "Образовательная организация", "Баллы"):
        assert f'<th scope="col">{header}</th>' in page
    assert "участник № 5" in page

    for text in (as_json, csv_response.content.decode("utf-8-sig"), xlsx_text, page):
        for secret in HIDDEN:
            assert secret not in text


async def test_p117_only_the_organiser_sets_the_quota_not_the_jury_chair(
    svc: ServiceHarness, subject: Subject
) -> None:
    url = f"/olympiads/{subject.olympiad_id}/quota-policy"
    body = {"prize_quota_share": "0.3", "quota_rounding": "half_up"}
    chair = svc.auth(Role.JURY_CHAIR, scopes={ScopeKind.SUBJECT: [SUBJECT]})
    # §21: the municipal organiser's committee, not the region, sets it
    for headers in (svc.auth(Role.JURY_CHAIR), chair, svc.auth(Role.COORDINATOR)):
        refused = await svc.client.put(url, json=body, headers=headers)
        assert refused.status_code == 403, refused.text
    kept = await svc.client.get(url, headers=svc.auth(Role.COORDINATOR))
    assert kept.json()["prize_quota_share"] != "0.3"


async def test_public_tables_need_no_token_but_setting_the_quota_needs_a_role(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    assert (await svc.client.get(f"{subject.base}.html")).status_code == 200

    url = f"/olympiads/{subject.olympiad_id}/quota-policy"
    body = {"prize_quota_share": "0.5", "quota_rounding": "half_up"}
    assert (await svc.client.put(url, json=body)).status_code == 401
    denied = await svc.client.put(url, json=body, headers=svc.auth(Role.JURY_MEMBER))
    assert denied.status_code == 403
    ok = await svc.client.put(url, json=body, headers=svc.auth(Role.MUNICIPAL_COORDINATOR))
    assert ok.status_code == 200
    assert ok.json()["prize_quota_share"] == "0.5"
    assert ok.json()["winner_min_share"] == "0.5"
    bad = await svc.client.put(
        url, json={"prize_quota_share": "1.5"}, headers=svc.auth(Role.MUNICIPAL_COORDINATOR)
    )
    assert bad.status_code == 422
    read = await svc.client.get(url, headers=svc.auth(Role.JURY_CHAIR))
    assert read.status_code == 200 and read.json()["prize_quota_share"] == "0.5"
    final = await svc.client.post(f"{subject.jury}/final", headers=svc.auth(Role.COORDINATOR))
    assert final.status_code == 403
