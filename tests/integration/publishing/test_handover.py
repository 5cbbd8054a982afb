"""§21: the approved final results handed to the regional organiser — full names, dates of birth,
points per task, consent as a column, nothing masked — as JSON, CSV and XLSX, and the winners and
prize-winners for the next stage; for the regional coordinator only, every hand-over audited."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from olymp_core.audit import audit_log
from olymp_core.auth import Role, ScopeKind
from olymp_core.testing.service import ServiceHarness

from .conftest import Subject, approve_final

pytestmark = pytest.mark.integration

HOSTILE_SCHOOL = '=HYPERLINK("http://example.com/steal","МБОУ «Лицей»")'
BIRTH_DATES = {
    "Жукова": dt.date(2010, 3, 14),
    "Абрамов": dt.date(2009, 12, 31),
    "Скрытнов": dt.date(2010, 7, 1),
    "Морозов": dt.date(2010, 1, 9),
}


async def approved(svc: ServiceHarness, subject: Subject) -> None:
    """Kuznetsov's school typed as a formula; Жукова raised to 49 by an appeal; approved."""
    await svc.deliver(subject.created())
    registered = subject.registered(BIRTH_DATES, schools={"Кузнецов": HOSTILE_SCHOOL})
    await svc.deliver(*registered, subject.decoded(), subject.checked())
    await svc.deliver(subject.rescored("Жукова", "49"))
    answer = await approve_final(svc, subject)
    assert answer.status_code == 201, answer.text


async def test_p21_the_region_gets_every_row_unmasked_with_dates_of_birth(
    svc: ServiceHarness, subject: Subject
) -> None:
    await approved(svc, subject)
    region = svc.auth(Role.COORDINATOR, sub="region-omsk")
    answer = await svc.client.get(f"{subject.jury}/regional/results", headers=region)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["kind"], body["version"], body["grade"], body["tasks"]) == (
        "results",
        2,
        9,
        ["1"],
    )
    rows = {row["surname"]: row for row in body["rows"]}
    assert len(body["rows"]) == 7  # six ranked and the annulled work
    assert rows["Жукова"] | {"task_scores": None} == {
        "position": 1,
        "place": "1",
        "surname": "Жукова",
        "name": "Мария",
        "patronymic": "Петровна",
        "birth_date": "2010-03-14",
        "grade": 9,
        "school": "МБОУ «Гимназия № 1»",
        "task_scores": None,
        "total": "49",
        "status": "победитель",
        "consent_to_publish": True,
        "annulment_reason": None,
    }
    # no consent to publication: masked on the public table, whole here, with the consent stated
    hidden = rows["Скрытнов"]
    assert (hidden["name"], hidden["school"], hidden["birth_date"]) == (
        "Иван",
        "МКОУ «Тайная школа»",
        "2010-07-01",
    )
    assert hidden["consent_to_publish"] is False
    assert rows["Ельцова"]["birth_date"] is None  # the application gave none
    annulled = body["rows"][-1]
    assert (annulled["surname"], annulled["status"], annulled["position"]) == (
        "Морозов",
        "аннулировано",
        None,
    )
    assert annulled["annulment_reason"] == "удалён с олимпиады (акт № 3)"

    awardees = await svc.client.get(f"{subject.jury}/regional/awardees", headers=region)
    assert awardees.status_code == 200, awardees.text
    assert [(r["surname"], r["status"]) for r in awardees.json()["rows"]] == [
        ("Жукова", "победитель"),
        ("Абрамов", "призёр"),
    ]

    async with svc.uows() as uow:
        handed = list(
            await uow.session.scalars(
                sa.select(audit_log.c.payload).where(audit_log.c.action == "results.handed_over")
            )
        )
    assert [(p["kind"], p["format"], p["version"], p["rows"]) for p in handed] == [
        ("results", "json", 2, 7),
        ("awardees", "json", 2, 2),
    ]


async def test_p21_csv_and_xlsx_have_the_documented_columns_and_no_formula(
    svc: ServiceHarness, subject: Subject
) -> None:
    await approved(svc, subject)
    region = svc.auth(Role.COORDINATOR)
    answer = await svc.client.get(f"{subject.jury}/regional/results.csv", headers=region)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert "regional-results-math-9-v2.csv" in answer.headers["content-disposition"]
    text = answer.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [
        "№",
        "Фамилия",
        "Имя",
        "Отчество",
        "Дата рождения",
        "Класс",
        "Образовательная организация",
        "Задание 1",
        "Итого баллов",
        "Место",
        "Статус",
        "Согласие на публикацию",
        "Причина аннулирования",
    ]
    assert rows[1] == [
        "1",
        "Жукова",
        "Мария",
        "Петровна",
        "14.03.2010",
        "9",
        "МБОУ «Гимназия № 1»",
        "49",
        "49",
        "1",
        "победитель",
        "да",
        "",
    ]
    kuznetsov = next(row for row in rows if row[1] == "Кузнецов")
    assert kuznetsov[6] == "'" + HOSTILE_SCHOOL  # text, never a live link
    hidden = next(row for row in rows if row[1] == "Скрытнов")
    assert (hidden[2], hidden[11]) == ("Иван", "нет")

    xlsx = await svc.client.get(f"{subject.jury}/regional/awardees.xlsx", headers=region)
    assert xlsx.status_code == 200, xlsx.text
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert "победители и призёры" in str(sheet["A1"].value)
    assert [cell.value for cell in sheet[3]][:8] == [
        1,
        "Жукова",
        "Мария",
        "Петровна",
        dt.datetime(2010, 3, 14),
        9,
        "МБОУ «Гимназия № 1»",
        49,
    ]
    assert sheet["E3"].number_format == "DD.MM.YYYY"
    assert sheet.max_row == 4  # the title, the header, the winner and the prize-winner

    everyone = await svc.client.get(f"{subject.jury}/regional/results.xlsx", headers=region)
    sheet = load_workbook(io.BytesIO(everyone.content)).active
    assert sheet is not None
    school = next(row[6] for row in sheet.iter_rows(min_row=3) if row[1].value == "Кузнецов")
    assert (school.value, school.data_type) == (HOSTILE_SCHOOL, "s")


async def test_p121_nothing_is_handed_over_before_the_final_results_are_approved(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(subject.created())
    await svc.deliver(*subject.registered(BIRTH_DATES), subject.decoded(), subject.checked())
    region = svc.auth(Role.COORDINATOR)
    answer = await svc.client.get(f"{subject.jury}/regional/results.csv", headers=region)
    assert answer.status_code == 404
    assert "не утверждены" in answer.json()["detail"]
    preliminary = await svc.client.get(
        f"{subject.jury}/regional/results", params={"version": 1}, headers=region
    )
    assert preliminary.status_code == 404
    assert "(версия 1)" in preliminary.json()["detail"]


async def test_p21_the_hand_over_is_for_the_regional_coordinator_only(
    svc: ServiceHarness, subject: Subject
) -> None:
    await approved(svc, subject)
    url = f"{subject.jury}/regional/results.xlsx"
    assert (await svc.client.get(url)).status_code == 401
    for role, scopes in (
        (Role.JURY_CHAIR, {ScopeKind.SUBJECT: ["math"]}),
        (Role.MUNICIPAL_COORDINATOR, None),
        (Role.OBSERVER, None),
    ):
        refused = await svc.client.get(url, headers=svc.auth(role, scopes=scopes))
        assert refused.status_code == 403, role
        assert refused.headers["content-type"] == "application/problem+json"
        assert "региональный координатор" in refused.json()["detail"], role
    json_refused = await svc.client.get(
        f"{subject.jury}/regional/awardees", headers=svc.auth(Role.MUNICIPAL_COORDINATOR)
    )
    assert json_refused.status_code == 403
    async with svc.uows() as uow:
        handed = await uow.session.scalar(
            sa.select(sa.func.count()).where(audit_log.c.action == "results.handed_over")
        )
    assert handed == 0  # a refusal hands nothing over
