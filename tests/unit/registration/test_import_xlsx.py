"""The participants application as an Excel workbook: typed cells, sheet rows, broken files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from olymp_registration.domain import COLUMNS, ImportReport, ProblemKind, parse_participants_xlsx

Row = list[object]
COLUMN_NAMES = [str(c) for c in COLUMNS]
HEADER: Row = list(COLUMN_NAMES)


def good(**changes: object) -> Row:
    values: dict[str, object] = {
        "Фамилия": "Римская-Корсакова",
        "Имя": "Алёна",
        "Отчество": "Петровна",
        "Класс": 10,
        "Класс выполнения заданий": None,
        "Образовательная организация": 'МБОУ "Большетавинская СОШ"',
        "Предмет": "Химия",
        "Основание участия": "набрала необходимое количество баллов на школьном этапе",
        "Согласие на публикацию": "да",
        "Особые условия": None,
        "Площадка проведения": None,
        "Баллы школьного этапа": None,
        "Форма обучения": None,
        "Дата рождения": None,
    }
    values.update({k.replace("_", " "): v for k, v in changes.items()})
    return [values[c] for c in COLUMN_NAMES]


def workbook(*sheets: list[Row]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for index, rows in enumerate(sheets):
        sheet = book.create_sheet(f"Лист{index + 1}")
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def only_error(report: ImportReport) -> tuple[ProblemKind, int | None, str | None]:
    assert not report.ok
    (problem,) = report.errors
    return problem.kind, problem.row, problem.column


def test_typed_cells_are_read_as_the_official_typed_them() -> None:
    rows: list[Row] = [
        HEADER,
        good(),
        good(
            Имя="Пётр",
            Отчество="Ильич",
            Класс=9.0,
            Класс_выполнения_заданий=10.0,
            Согласие_на_публикацию=False,
            Предмет="МХК",
        ),
        good(Имя="Фёкла", Согласие_на_публикацию=True, Предмет="ОБЖ"),
    ]
    report = parse_participants_xlsx(workbook(rows))
    assert report.ok, report.errors
    first, second, third = report.participants
    assert (first.surname, first.grade, first.task_grade) == ("Римская-Корсакова", 10, 10)
    assert (second.grade, second.task_grade, second.consent_to_publish) == (9, 10, False)
    assert (second.subject_code, third.subject_code, third.consent_to_publish) == (
        "art",
        "obzh",
        True,
    )


def test_rows_are_numbered_as_the_sheet_numbers_them() -> None:
    rows: list[Row] = [
        ["Заявка на муниципальный этап"],
        [],
        HEADER,
        good(),
        [],
        [None, None],
        good(Имя="Пётр"),
    ]
    report = parse_participants_xlsx(workbook(rows))
    assert report.ok and [r.row for r in report.rows] == [4, 7]


def test_errors_point_at_the_sheet_row_and_column() -> None:
    rows: list[Row] = [
        HEADER,
        good(),
        good(Класс=6),
        good(Имя="Пётр", Согласие_на_публикацию="наверное"),
    ]
    report = parse_participants_xlsx(workbook(rows))
    assert [(p.kind, p.row, p.column, p.value) for p in report.errors] == [
        (ProblemKind.BAD_GRADE, 3, "Класс", "6"),
        (ProblemKind.BAD_CONSENT, 4, "Согласие на публикацию", "наверное"),
    ]


def test_p11_task_grade_lower_than_grade_is_reported() -> None:
    report = parse_participants_xlsx(workbook([HEADER, good(Класс_выполнения_заданий=9)]))
    assert only_error(report) == (ProblemKind.TASK_GRADE_BELOW_GRADE, 2, "Класс выполнения заданий")


def test_a_duplicate_row_is_reported() -> None:
    report = parse_participants_xlsx(workbook([HEADER, good(), good(Фамилия="римская-корсакова ")]))
    assert only_error(report) == (ProblemKind.DUPLICATE_ROW, 3, None)


def test_a_date_typed_into_the_grade_cell_is_reported_not_crashed_on() -> None:
    report = parse_participants_xlsx(workbook([HEADER, good(Класс=dt.datetime(2024, 9, 1))]))
    assert only_error(report)[0] is ProblemKind.BAD_GRADE


def test_the_first_sheet_with_a_header_is_read() -> None:
    instructions: list[Row] = [
        ["Инструкция: заполните лист «Заявка»"],
        ["Фамилия — как в паспорте"],
    ]
    report = parse_participants_xlsx(workbook(instructions, [HEADER, good()]))
    assert report.ok and len(report.rows) == 1


def test_a_sheet_without_header_is_reported() -> None:
    report = parse_participants_xlsx(workbook([["Список"], ["Иванов", "Иван"]]))
    assert only_error(report)[0] is ProblemKind.NO_HEADER


def test_an_empty_workbook_is_reported() -> None:
    assert only_error(parse_participants_xlsx(workbook([])))[0] is ProblemKind.EMPTY_FILE
    assert only_error(parse_participants_xlsx(b""))[0] is ProblemKind.EMPTY_FILE


def test_a_missing_column_is_reported() -> None:
    header: Row = [c for c in COLUMN_NAMES if c != "Основание участия"]
    report = parse_participants_xlsx(workbook([header]))
    assert only_error(report) == (ProblemKind.MISSING_COLUMN, 1, "Основание участия")


def broken_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        "Фамилия;Имя\r\n".encode(),
        b"PK\x03\x04truncated",
        broken_zip(),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
    ],
    ids=["csv", "truncated", "zip-without-workbook", "old-xls"],
)
def test_a_file_that_is_not_a_workbook_is_reported(data: bytes) -> None:
    report = parse_participants_xlsx(data)
    assert only_error(report)[0] is ProblemKind.NOT_A_TABLE
    assert "xlsx" in report.errors[0].message.lower()


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_a_report_never_an_exception(tail: bytes) -> None:
    for data in (tail, b"PK\x03\x04" + tail):
        report = parse_participants_xlsx(data)
        assert not report.ok or report.rows


def test_p36_a_date_of_birth_typed_as_an_excel_date_is_read_as_that_date() -> None:
    born = dt.datetime(2011, 11, 18)
    report = parse_participants_xlsx(
        workbook(
            [HEADER, good(Дата_рождения=born), good(Имя="Варвара", Дата_рождения="18.11.2011")]
        )
    )
    assert report.ok, report.errors
    assert [r.participant.birth_date for r in report.rows] == [dt.date(2011, 11, 18)] * 2
