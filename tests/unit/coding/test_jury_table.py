"""The summary table for the jury (§64): codes only, in an order that says nothing."""

from __future__ import annotations

import dataclasses
import io
import random

from openpyxl import load_workbook

from olymp_coding.documents import codes_xlsx
from olymp_coding.domain import (
    Attendance,
    CodeAssignment,
    JuryTableRow,
    WorkToCode,
    assign_codes,
    jury_table,
)


def assignments(count: int = 30, seed: int = 4) -> tuple[CodeAssignment, ...]:
    works = [
        WorkToCode(f"w{n}", f"R-{n:04d}", "math", 7 + n % 3, Attendance.PRESENT)
        for n in range(count)
    ]
    return assign_codes(works, random.Random(seed), set(), coded=True, prefix="M")


def test_p64_rows_hold_code_grade_and_subject_only() -> None:
    assert [f.name for f in dataclasses.fields(JuryTableRow)] == ["work_code", "grade", "subject"]
    rows = jury_table(assignments())
    assert len(rows) == 30
    values = {str(value) for row in rows for value in dataclasses.astuple(row)}
    assert not any(value.startswith(("R-", "w")) for value in values)


def test_p64_row_order_does_not_follow_the_participant_list() -> None:
    coded = assignments()
    shuffled = list(coded)
    random.Random(8).shuffle(shuffled)
    rows = jury_table(coded)
    assert jury_table(shuffled) == rows
    assert [(r.grade, r.work_code) for r in rows] == sorted((r.grade, r.work_code) for r in rows)
    assert [r.work_code for r in rows] != [a.work_code for a in coded]


def test_p64_xlsx_has_russian_headers_codes_and_empty_score_columns() -> None:
    rows = jury_table(assignments(5))
    data = codes_xlsx(
        rows, task_numbers=[1, 2, 3], subject_title={"math": "Математика"}.__getitem__
    )
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == [
        "Шифр",
        "Класс (параллель)",
        "Предмет",
        "Задание 1",
        "Задание 2",
        "Задание 3",
        "Сумма баллов",
    ]
    assert [tuple(row[:3]) for row in cells[1:]] == [
        (r.work_code, r.grade, "Математика") for r in rows
    ]
    assert all(value is None for row in cells[1:] for value in row[3:])
    assert not any("R-" in str(value) for row in cells for value in row)
