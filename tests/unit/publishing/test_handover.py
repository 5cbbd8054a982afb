"""§21: the rows handed to the regional organiser from a version's stored protocol, and their CSV
and XLSX with every formula-like cell kept as text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from olymp_publishing.handover import documents
from olymp_publishing.handover.domain import handed_rows, header, tasks_of


def protocol_row(n: int, surname: str, status: str, total: str, school: str) -> dict[str, Any]:
    return {
        "participant_id": f"00000000-0000-4000-8000-00000000000{n}",
        "position": n,
        "place": str(n),
        "status": status,
        "surname": surname,
        "name": "Алёна",
        "patronymic": "Игоревна",
        "grade": 8,
        "school": school,
        "total": total,
        "consent_to_publish": n != 2,
        "annulment_reason": "",
        "work_code": f"Х-{n}",
        "task_scores": {"2": "5", "10": str(Decimal(total) - 5)},
    }


PROTOCOL: dict[str, Any] = {
    "max_total": "20",
    "rows": [
        protocol_row(1, "Ёлкина", "победитель", "18.5", "МБОУ «СОШ № 1»"),
        protocol_row(2, "Салтыкова-Щедрина", "призёр", "15", "+7 (3812) Гимназия"),
        protocol_row(3, "Елкина", "участник", "9", "@Лицей"),
    ],
    "annulled": [
        {
            **protocol_row(4, "Морозова", "аннулировано", "0", "-МКОУ «ООШ»"),
            "annulment_reason": "удалена из аудитории (акт № 2)",
            "task_scores": {},
        }
    ],
}
BIRTH = {"00000000-0000-4000-8000-000000000002": dt.date(2011, 2, 28)}


def test_every_row_goes_with_its_consent_and_the_annulled_last() -> None:
    rows = handed_rows(PROTOCOL, BIRTH)
    assert [(r.surname, r.status, r.position) for r in rows] == [
        ("Ёлкина", "победитель", 1),
        ("Салтыкова-Щедрина", "призёр", 2),
        ("Елкина", "участник", 3),
        ("Морозова", "аннулировано", None),
    ]
    second = rows[1]
    assert (second.birth_date, second.consent_to_publish, second.name) == (
        dt.date(2011, 2, 28),
        False,
        "Алёна",
    )
    assert rows[3].annulment_reason == "удалена из аудитории (акт № 2)" and rows[3].total is None
    assert rows[0].annulment_reason is None and rows[0].birth_date is None


def test_the_next_stage_gets_the_winners_and_prize_winners() -> None:
    awardees = handed_rows(PROTOCOL, BIRTH, "awardees")
    assert [r.surname for r in awardees] == ["Ёлкина", "Салтыкова-Щедрина"]


def test_tasks_are_columns_in_task_order() -> None:
    assert tasks_of(PROTOCOL) == ["2", "10"]
    assert header(["2", "10"])[7:9] == ["Задание 2", "Задание 10"]


@pytest.mark.parametrize("school", ["+7 (3812) Гимназия", "@Лицей", "-МКОУ «ООШ»"])
def test_a_formula_like_cell_is_text_in_the_csv(school: str) -> None:
    body = documents.csv_bytes(tasks_of(PROTOCOL), handed_rows(PROTOCOL, BIRTH))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert "'" + school in [row[6] for row in rows]
    assert school not in [row[6] for row in rows]


def test_the_csv_writes_dates_and_points_as_people_read_them() -> None:
    body = documents.csv_bytes(tasks_of(PROTOCOL), handed_rows(PROTOCOL, BIRTH))
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[2] == [
        "2",
        "Салтыкова-Щедрина",
        "Алёна",
        "Игоревна",
        "28.02.2011",
        "8",
        "'+7 (3812) Гимназия",
        "5",
        "10",
        "15",
        "2",
        "призёр",
        "нет",
        "",
    ]
    annulled = ["", "Морозова", "Алёна", "Игоревна", "", "8", "'-МКОУ «ООШ»", "", "", "", ""]
    assert rows[4] == [
        *annulled,
        "аннулировано",
        "да",
        "удалена из аудитории (акт № 2)",
    ]


def test_the_workbook_holds_no_formula_and_keeps_numbers() -> None:
    body = documents.xlsx_bytes(
        "Математика, 8 класс", tasks_of(PROTOCOL), handed_rows(PROTOCOL, BIRTH)
    )
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    assert (sheet["G4"].value, sheet["G4"].data_type) == ("+7 (3812) Гимназия", "s")
    assert (sheet["E4"].value, sheet["I3"].value, sheet["J3"].value, sheet["K3"].value) == (
        dt.datetime(2011, 2, 28),
        13.5,
        18.5,
        "1",
    )
