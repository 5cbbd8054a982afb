"""Participants from an Excel workbook (XLSX): the first sheet that has a header row."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from itertools import islice
from typing import Any, Final

import openpyxl

from olymp_registration.domain.errors import ImportTooSlow
from olymp_registration.domain.importing.budget import UNLIMITED, ParseBudget
from olymp_registration.domain.importing.fields import Cell
from olymp_registration.domain.importing.report import ImportReport, ProblemKind, file_problem
from olymp_registration.domain.importing.rows import (
    HEADER_SEARCH_ROWS,
    MAX_ROWS,
    NumberedRow,
    header_score,
    read_table,
)

_ZIP_MAGIC: Final = b"PK\x03\x04"
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0"
# Enough non-blank rows to see the header and to tell that a file has too many participants.
_ROWS_TO_READ: Final = MAX_ROWS + HEADER_SEARCH_ROWS + 1
# What the parts of a workbook may unpack to. A district's 20,000 rows are a few MB of XML; a few
# KB of zip can declare gigabytes (openpyxl reads the shared strings whole), so the sizes the
# archive declares are checked before anything is unpacked — zipfile stops at the declared size.
MAX_UNPACKED_BYTES: Final = 256 * 1024 * 1024


def parse_participants_xlsx(data: bytes, budget: ParseBudget = UNLIMITED) -> ImportReport:
    """Read a participants workbook: every valid row and every problem. Never raises on bad
    input; raises ImportTooSlow when reading outlasts `budget`."""
    if not data:
        return file_problem(
            ProblemKind.EMPTY_FILE, "Файл пуст: загрузите книгу Excel с участниками."
        )
    if data.startswith(_OLE_MAGIC):
        return file_problem(
            ProblemKind.NOT_A_TABLE,
            "Это книга Excel старого формата (XLS): откройте её в Excel и сохраните как "
            "«Книга Excel (*.xlsx)».",
        )
    if not data.startswith(_ZIP_MAGIC):
        return _not_xlsx()
    try:
        unpacked = _unpacked_size(data)
    except Exception:
        return _not_xlsx()
    if unpacked > MAX_UNPACKED_BYTES:
        return file_problem(
            ProblemKind.TOO_LARGE,
            f"Книга Excel после распаковки занимает больше {MAX_UNPACKED_BYTES >> 20} МБ: "
            "в заявке таких размеров не бывает. Скопируйте лист участников в новую книгу, "
            "сохраните её как «Книга Excel (*.xlsx)» и загрузите снова.",
        )
    try:
        rows = _sheet_rows(data, budget)
    except ImportTooSlow:
        raise
    except Exception:
        # zipfile, XML and openpyxl's own errors all mean the same to the official: the file is
        # not a readable workbook. Only the reading is guarded; the rules below run unguarded.
        return _not_xlsx()
    return read_table(rows, budget=budget)


def _unpacked_size(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def _sheet_rows(data: bytes, budget: ParseBudget) -> list[NumberedRow]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = list(workbook.worksheets)
        if not sheets:
            return []
        chosen = next((s for s in sheets if _has_header(s, budget)), sheets[0])
        chosen.reset_dimensions()
        return list(islice(_non_blank_rows(chosen, budget), _ROWS_TO_READ))
    finally:
        workbook.close()


def _has_header(sheet: Any, budget: ParseBudget) -> bool:
    sheet.reset_dimensions()
    head = islice(_non_blank_rows(sheet, budget), HEADER_SEARCH_ROWS)
    return any(header_score(cells) >= 2 for _, cells in head)


def _non_blank_rows(sheet: Any, budget: ParseBudget) -> Iterator[NumberedRow]:
    # blank rows are checked too: a sheet can be a million of them
    for counted, row in enumerate(budget.each(sheet.iter_rows()), start=1):
        cells = [_cell(c.value) for c in row]
        if any(c is not None and c != "" for c in cells):
            number = next((c.row for c in row if getattr(c, "row", None)), counted)
            yield number, cells


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | bool | dt.datetime | dt.date):
        return value
    return str(value)


def _not_xlsx() -> ImportReport:
    return file_problem(
        ProblemKind.NOT_A_TABLE,
        "Файл не открывается как книга Excel (XLSX): откройте его в Excel, сохраните как "
        "«Книга Excel (*.xlsx)» и загрузите снова. Таблицу CSV загрузите через импорт CSV.",
    )
