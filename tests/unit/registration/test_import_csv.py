"""The participants application as CSV: the formats municipalities send and every error kind."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from olymp_registration.domain import (
    COLUMNS,
    EligibilityBasis,
    ImportReport,
    ProblemKind,
    parse_participants_csv,
)
from olymp_registration.domain.importing.rows import read_table

HEADER = [str(c) for c in COLUMNS]
SCHOOL = 'МБОУ "Усть-Ишимская СОШ № 1"'
GOOD = {
    "Фамилия": "Королёва",
    "Имя": "Алёна",
    "Отчество": "Фёдоровна",
    "Класс": "9",
    "Класс выполнения заданий": "",
    "Образовательная организация": SCHOOL,
    "Предмет": "математика",
    "Основание участия": "набрала необходимое количество баллов на школьном этапе",
    "Согласие на публикацию": "да",
    "Особые условия": "",
    "Площадка проведения": "",
    "Баллы школьного этапа": "",
    "Форма обучения": "",
    "Дата рождения": "",
}


def line(header: list[str] = HEADER, **changes: str) -> list[str]:
    values = {**GOOD, **{k.replace("_", " "): v for k, v in changes.items()}}
    return [values.get(column, "") for column in header]


def with_(column: str, value: str) -> list[str]:
    values = {**GOOD, column: value}
    return [values[c] for c in HEADER]


def csv_bytes(
    rows: list[list[str]],
    *,
    header: list[str] | None = HEADER,
    delimiter: str = ";",
    encoding: str = "utf-8-sig",
    before: list[list[str]] = [],  # noqa: B006 - never mutated
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(before)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def only_error(report: ImportReport) -> tuple[ProblemKind, int | None, str | None]:
    assert not report.ok
    (problem,) = report.errors
    assert problem.message and problem.message[0].isupper()
    return problem.kind, problem.row, problem.column


def test_a_clean_file_is_read_row_by_row() -> None:
    report = parse_participants_csv(
        csv_bytes([line(), with_("Предмет", "физика"), with_("Имя", "Пётр")])
    )
    assert report.ok and [r.row for r in report.rows] == [2, 3, 4]
    first = report.rows[0].participant
    assert (first.surname, first.name, first.patronymic) == ("Королёва", "Алёна", "Фёдоровна")
    assert (first.grade, first.task_grade, first.school) == (9, 9, SCHOOL)
    assert first.subject_code == "math" and first.eligibility is EligibilityBasis.SCHOOL_STAGE_SCORE
    assert first.consent_to_publish is True and first.special_conditions == ""
    assert [p.subject_code for p in report.participants] == ["math", "physics", "math"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1251", "utf-16"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_utf8_with_or_without_bom_cp1251_and_each_delimiter_are_read(
    encoding: str, delimiter: str
) -> None:
    report = parse_participants_csv(csv_bytes([line()], encoding=encoding, delimiter=delimiter))
    assert report.ok, report.errors
    assert report.participants[0].surname == "Королёва"
    assert report.participants[0].school == SCHOOL


@pytest.mark.parametrize(
    ("typed", "consent"),
    [
        ("да", True),
        ("Да", True),
        ("+", True),
        ("1", True),
        ("нет", False),
        ("Нет", False),
        ("-", False),
        ("–", False),
        ("0", False),
    ],
)
def test_p21_consent_is_read_from_yes_no_and_plus_minus(typed: str, consent: bool) -> None:
    report = parse_participants_csv(csv_bytes([with_("Согласие на публикацию", typed)]))
    assert report.ok and report.participants[0].consent_to_publish is consent


def test_a_title_above_the_header_is_skipped_and_rows_keep_their_file_numbers() -> None:
    title = [["Заявка на участие в муниципальном этапе ВсОШ 2024/2025"], []]
    report = parse_participants_csv(csv_bytes([line(), [], with_("Имя", "Пётр")], before=title))
    assert report.ok and [r.row for r in report.rows] == [4, 6]


def test_header_spellings_column_order_and_extra_columns_are_accepted() -> None:
    header = [
        "№ п/п",
        "Образовательная организация (полное наименование)",
        "ПРЕДМЕТ",
        "Фамилия*",
        "Имя*",
        "Отчество (при наличии)",
        "Класс обучения",
        "Основание допуска:",
        "Согласие на публикацию (да/нет)",
        "Дата рождения",
    ]
    row = [
        "1",
        SCHOOL,
        "Физика",
        "Ёлкин",
        "Семён",
        "",
        "11",
        "призёр прошлого года",
        "+",
        "01.02.2008",
    ]
    report = parse_participants_csv(csv_bytes([row], header=header))
    assert report.ok, report.errors
    (participant,) = report.participants
    assert (participant.surname, participant.patronymic, participant.grade) == ("Ёлкин", "", 11)
    assert participant.task_grade == 11 and participant.special_conditions == ""
    assert participant.eligibility is EligibilityBasis.PREVIOUS_YEAR_AWARDEE


@pytest.mark.parametrize("typed", ["9", "9Б", "9 б", "9-Б", "9 класс", "9 кл."])
def test_a_grade_with_the_class_letter_is_read(typed: str) -> None:
    report = parse_participants_csv(csv_bytes([with_("Класс", typed)]))
    assert report.ok and report.participants[0].grade == 9


def test_p11_task_grade_left_empty_means_the_participants_own_grade() -> None:
    report = parse_participants_csv(
        csv_bytes([line(), line(Класс_выполнения_заданий="11", Предмет="физика")])
    )
    assert [(p.grade, p.task_grade) for p in report.participants] == [(9, 9), (9, 11)]


def test_whitespace_is_trimmed_and_a_multiline_cell_stays_in_its_row() -> None:
    padded = line(Фамилия="  Королёва ", Особые_условия="ОВЗ:\nвремя +1,5 часа")
    report = parse_participants_csv(csv_bytes([padded, with_("Имя", "Пётр")]))
    assert report.ok
    assert report.participants[0].surname == "Королёва"
    assert report.participants[0].special_conditions == "ОВЗ: время +1,5 часа"
    assert [r.row for r in report.rows] == [2, 3]


# --- errors: every kind, with the row and column the official sees ---


def test_missing_surname_is_reported_with_row_and_column() -> None:
    report = parse_participants_csv(csv_bytes([line(), with_("Фамилия", " ")]))
    assert only_error(report) == (ProblemKind.MISSING_VALUE, 3, "Фамилия")
    assert "фамилия" in report.errors[0].message.lower()
    assert len(report.rows) == 1  # what could be read is there; importing it is the caller's call


@pytest.mark.parametrize("typed", ["6", "12", "седьмой", "9.5", "9 и 10"])
def test_p13_bad_grade_is_reported(typed: str) -> None:
    report = parse_participants_csv(csv_bytes([with_("Класс", typed)]))
    assert only_error(report) == (ProblemKind.BAD_GRADE, 2, "Класс")
    assert report.errors[0].value == typed
    assert "от 7 до 11" in report.errors[0].message


def test_p11_task_grade_lower_than_grade_is_reported() -> None:
    report = parse_participants_csv(csv_bytes([with_("Класс выполнения заданий", "8")]))
    assert only_error(report) == (ProblemKind.TASK_GRADE_BELOW_GRADE, 2, "Класс выполнения заданий")
    assert "ниже класса обучения (9)" in report.errors[0].message


@pytest.mark.parametrize("typed", ["12", "старший"])
def test_a_task_grade_that_is_no_grade_of_the_stage_is_reported(typed: str) -> None:
    report = parse_participants_csv(csv_bytes([with_("Класс выполнения заданий", typed)]))
    assert only_error(report)[0] is ProblemKind.BAD_TASK_GRADE


def test_p10_unknown_eligibility_basis_is_reported_with_both_accepted_wordings() -> None:
    report = parse_participants_csv(csv_bytes([with_("Основание участия", "победитель")]))
    assert only_error(report) == (ProblemKind.UNKNOWN_ELIGIBILITY, 2, "Основание участия")
    for basis in EligibilityBasis:
        assert basis.label in report.errors[0].message


@pytest.mark.parametrize("typed", ["может быть", "согласие есть?", "да/нет"])
def test_p21_bad_consent_value_is_reported(typed: str) -> None:
    report = parse_participants_csv(csv_bytes([with_("Согласие на публикацию", typed)]))
    assert only_error(report) == (ProblemKind.BAD_CONSENT, 2, "Согласие на публикацию")
    assert "«да» или «нет»" in report.errors[0].message


@pytest.mark.parametrize(
    "column",
    [
        "Имя",
        "Класс",
        "Образовательная организация",
        "Предмет",
        "Основание участия",
        "Согласие на публикацию",
    ],
)
def test_an_empty_required_cell_is_reported_as_missing(column: str) -> None:
    report = parse_participants_csv(csv_bytes([with_(column, "")]))
    assert only_error(report) == (ProblemKind.MISSING_VALUE, 2, column)


def test_p3_unknown_subject_is_reported_listing_the_subjects() -> None:
    report = parse_participants_csv(csv_bytes([with_("Предмет", "матем")]))
    assert only_error(report) == (ProblemKind.UNKNOWN_SUBJECT, 2, "Предмет")
    assert "математика" in report.errors[0].message and "технология" in report.errors[0].message


def test_several_subjects_in_one_cell_are_refused_with_one_row_per_subject_advice() -> None:
    report = parse_participants_csv(csv_bytes([with_("Предмет", "математика, физика")]))
    assert only_error(report)[0] is ProblemKind.UNKNOWN_SUBJECT
    assert "отдельную строку" in report.errors[0].message


def test_a_duplicate_row_is_reported_even_when_spelt_with_e_for_yo() -> None:
    again = line(Фамилия="Королева", Имя="АЛЕНА", Отчество="Федоровна", Согласие_на_публикацию="+")
    again[HEADER.index("Образовательная организация")] = "МБОУ «Усть-Ишимская СОШ №1»"
    report = parse_participants_csv(csv_bytes([line(), with_("Предмет", "физика"), again]))
    assert only_error(report) == (ProblemKind.DUPLICATE_ROW, 4, None)
    assert "повторяет строку 2" in report.errors[0].message
    assert [r.row for r in report.rows] == [2, 3]


def test_the_same_pupil_in_another_subject_or_grade_is_not_a_duplicate() -> None:
    rows = [line(), with_("Предмет", "химия"), with_("Класс", "10")]
    assert parse_participants_csv(csv_bytes(rows)).ok


def test_a_name_with_digits_is_reported() -> None:
    report = parse_participants_csv(csv_bytes([with_("Имя", "Алёна2")]))
    assert only_error(report) == (ProblemKind.BAD_NAME, 2, "Имя")


def test_an_overlong_school_name_is_reported() -> None:
    report = parse_participants_csv(csv_bytes([with_("Образовательная организация", "Ш" * 301)]))
    assert only_error(report) == (ProblemKind.TOO_LONG, 2, "Образовательная организация")


def test_every_problem_of_a_row_is_reported_not_only_the_first() -> None:
    bad = line(Фамилия="", Класс="5", Предмет="алгебра", Согласие_на_публикацию="?")
    kinds = {p.kind for p in parse_participants_csv(csv_bytes([bad])).errors}
    assert kinds == {
        ProblemKind.MISSING_VALUE,
        ProblemKind.BAD_GRADE,
        ProblemKind.UNKNOWN_SUBJECT,
        ProblemKind.BAD_CONSENT,
    }


def test_a_missing_required_column_is_reported_at_the_header_row() -> None:
    header = [c for c in HEADER if c != "Класс"]
    report = parse_participants_csv(csv_bytes([line(header)], header=header, before=[["Заявка"]]))
    assert only_error(report) == (ProblemKind.MISSING_COLUMN, 2, "Класс")
    assert report.rows == ()


def test_a_column_given_twice_is_reported() -> None:
    header = [*HEADER, "Фамилия участника"]
    report = parse_participants_csv(csv_bytes([line(header)], header=header))
    assert only_error(report) == (ProblemKind.DUPLICATE_COLUMN, 1, "Фамилия")


def test_a_single_full_name_column_is_refused_with_advice_to_split_it() -> None:
    header = ["ФИО", *HEADER[3:]]
    report = parse_participants_csv(
        csv_bytes([["Королёва Алёна Фёдоровна", *line()[3:]]], header=header)
    )
    kind, _, column = only_error(report)
    assert (kind, column) == (ProblemKind.MISSING_COLUMN, "ФИО")
    assert "«Фамилия», «Имя», «Отчество»" in report.errors[0].message


def test_a_file_without_a_header_row_is_reported() -> None:
    report = parse_participants_csv(csv_bytes([line()], header=None))
    assert only_error(report) == (ProblemKind.NO_HEADER, None, None)
    assert "Фамилия" in report.errors[0].message


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", "\ufeff".encode()])
def test_an_empty_file_is_reported(data: bytes) -> None:
    assert only_error(parse_participants_csv(data))[0] is ProblemKind.EMPTY_FILE


def test_a_header_without_rows_is_reported() -> None:
    assert only_error(parse_participants_csv(csv_bytes([[], []])))[0] is ProblemKind.NO_ROWS


@pytest.mark.parametrize(("encoding", "shown"), [("koi8_r", "KOI8-R"), ("cp866", "CP866")])
def test_wrong_encoding_is_refused_naming_it(encoding: str, shown: str) -> None:
    data = csv_bytes([line(Образовательная_организация="Гимназия 3")], encoding=encoding)
    assert only_error(parse_participants_csv(data))[0] is ProblemKind.ENCODING
    assert shown in parse_participants_csv(data).errors[0].message
    assert "UTF-8" in parse_participants_csv(data).errors[0].message


def test_a_utf8_file_with_a_line_pasted_in_cp1251_is_refused_naming_the_line() -> None:
    data = csv_bytes([line()]) + ";".join(with_("Имя", "Пётр")).encode("cp1251") + b"\r\n"
    report = parse_participants_csv(data)
    assert only_error(report) == (ProblemKind.ENCODING, 3, None)
    assert "строка 3" in report.errors[0].message


def test_utf16_without_a_byte_order_mark_is_refused_as_unknown_encoding() -> None:
    data = csv_bytes([line()], encoding="utf-16-le")
    assert only_error(parse_participants_csv(data))[0] is ProblemKind.ENCODING


def test_a_workbook_uploaded_as_csv_is_refused() -> None:
    report = parse_participants_csv(b"PK\x03\x04" + b"\x00" * 40)
    assert only_error(report)[0] is ProblemKind.NOT_A_TABLE
    assert "XLSX" in report.errors[0].message


def test_too_many_rows_are_refused() -> None:
    rows = [
        (1, HEADER),
        *((n, with_("Имя", name)) for n, name in [(2, "Анна"), (3, "Вера"), (4, "Зоя")]),
    ]
    report = read_table(rows, max_rows=2)
    assert [p.kind for p in report.errors] == [ProblemKind.TOO_MANY_ROWS]
    assert report.errors[0].row == 4


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_give_a_report_never_an_exception(data: bytes) -> None:
    report = parse_participants_csv(data)
    assert report.ok == (not report.errors)
    assert all(p.message for p in report.errors)


cell_text = st.text(
    alphabet=st.sampled_from(list("абвгдеёжзийклмнопрстуфхцчшщъыьэюя АЕЁ-+;,\"'\n\t0123456789№«»")),
    max_size=12,
)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(cell_text, min_size=0, max_size=12), max_size=6), st.sampled_from([";", ","])
)
def test_any_table_under_the_header_gives_rows_or_located_errors(
    rows: list[list[str]], delimiter: str
) -> None:
    report = parse_participants_csv(csv_bytes(rows, delimiter=delimiter))
    for problem in report.errors:
        assert problem.row is None or problem.row >= 1
        assert problem.column is None or problem.column in HEADER
    assert len({r.row for r in report.rows}) == len(report.rows)


@given(st.text(alphabet=" \t\u00a0", max_size=3), st.text(alphabet=" \t\u00a0", max_size=3))
def test_padding_around_any_value_is_trimmed(left: str, right: str) -> None:
    padded = [left + value + right for value in line()]
    report = parse_participants_csv(csv_bytes([padded], delimiter=","))
    assert report.ok
    assert report.participants[0].school == SCHOOL
    assert report.participants[0].patronymic == "Фёдоровна"
