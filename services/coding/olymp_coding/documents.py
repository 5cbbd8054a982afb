"""The XLSX summary table handed to the jury (§64): codes only, with empty columns to fill in.

Kept outside `domain` because openpyxl stamps the save time into the file's properties, so the bytes
are not a pure function of the rows (the cells are).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from olymp_coding.domain.jury_table import JuryTableRow
from olymp_core.spreadsheets import append_row

SHEET_TITLE = "Шифры"
HEADERS = ("Шифр", "Класс (параллель)", "Предмет")
TOTAL_HEADER = "Сумма баллов"


def codes_xlsx(
    rows: Iterable[JuryTableRow],
    *,
    task_numbers: Sequence[int] = (),
    subject_title: Callable[[str], str] = str,
) -> bytes:
    """The table as XLSX bytes; with `task_numbers`, one empty column per task and for the sum."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    headers = [*HEADERS]
    if task_numbers:
        headers += [f"Задание {number}" for number in task_numbers] + [TOTAL_HEADER]
    append_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, [row.work_code, row.grade, subject_title(row.subject)])
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 18
    sheet.column_dimensions["C"].width = 24
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
