"""The hand-over as CSV and XLSX (the columns: `handover.domain`).

Every cell goes through `olymp_core.spreadsheets`: names and schools come from application files,
and a cell beginning with «=», «+», «-» or «@» must reach the region's spreadsheet as text, never
as a formula. In XLSX points and positions are numbers and the date of birth a date.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.styles import Font

from olymp_core.spreadsheets import append_row, csv_row
from olymp_publishing.domain import points_text
from olymp_publishing.handover.domain import HandedRow, cells, header

FORMATS: Final = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DATE_FORMAT: Final = "DD.MM.YYYY"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return points_text(value)
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    return str(value)


def csv_bytes(tasks: Sequence[str], rows: Sequence[HandedRow]) -> bytes:
    """UTF-8 with a BOM and «;», as the public tables: a Russian-locale spreadsheet opens it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(csv_row(header(tasks)))
    writer.writerows(csv_row([_text(cell) for cell in cells(row, tasks)]) for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, tasks: Sequence[str], rows: Sequence[HandedRow]) -> bytes:
    """A title line, the header, then one row per participant."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Результаты"
    append_row(sheet, [title])
    sheet["A1"].font = Font(bold=True)
    append_row(sheet, header(tasks))
    for header_cell in sheet[2]:
        header_cell.font = Font(bold=True)
    birth_column = header(tasks).index("Дата рождения") + 1
    for row in rows:
        append_row(sheet, cells(row, tasks))
        sheet.cell(sheet.max_row, birth_column).number_format = DATE_FORMAT
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(extension: str, title: str, tasks: Sequence[str], rows: Sequence[HandedRow]) -> bytes:
    return csv_bytes(tasks, rows) if extension == "csv" else xlsx_bytes(title, tasks, rows)
