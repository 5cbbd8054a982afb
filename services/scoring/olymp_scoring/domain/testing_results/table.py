"""A testing system's results file as numbered rows of cells: CSV or an Excel workbook (XLSX).

CSV: UTF-8 (with or without BOM), UTF-16 with BOM or Windows-1251, separated by «;», «,» or a tab,
whichever makes a header row (a title above the table may hold a comma). XLSX: the first sheet whose first rows hold a header. Lines are
numbered as a spreadsheet numbers them, so a problem's line is the one the official sees.
Anything else is refused with how to re-save the file, never guessed.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from typing import Final, Literal, NoReturn

import openpyxl

from olymp_scoring.domain.testing_results.problems import Problem, ResultsFileRejected

Cell = str | int | float | bool | dt.datetime | dt.date | None
NumberedRow = tuple[int, tuple[Cell, ...]]
FileFormat = Literal["csv", "xlsx"]

# a district's grade is a few hundred participants; a region's whole standings a few thousand
MAX_ROWS: Final = 20_000
# where a header row is looked for: titles and dates above the table are common in exports
HEADER_SEARCH_ROWS: Final = 10
# what a workbook may unpack to: the archive's declared sizes are checked before anything is read
MAX_UNPACKED_BYTES: Final = 64 * 1024 * 1024

_DELIMITERS: Final = (";", ",", "\t")
_ZIP_MAGIC: Final = b"PK\x03\x04"
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0"  # the old binary .xls
_RESAVE_CSV: Final = (
    "Сохраните таблицу через «Сохранить как» → «CSV UTF-8 (разделитель — запятая)» или "
    "«CSV (разделители — точка с запятой)» и загрузите снова."
)
_RESAVE_XLSX: Final = (
    "Откройте файл в Excel, сохраните как «Книга Excel (*.xlsx)» и загрузите снова."
)


def read_rows(
    data: bytes, file_format: FileFormat, is_header: Callable[[Sequence[Cell]], bool]
) -> list[NumberedRow]:
    """The non-blank rows of the file; ResultsFileRejected when it cannot be read as a table."""
    if not data.strip():
        _refuse("Файл пуст: загрузите выгрузку результатов из тестирующей системы.")
    if file_format == "csv":
        return _csv_rows(data, is_header)
    return _xlsx_rows(data, is_header)


def _refuse(what: str) -> NoReturn:
    raise ResultsFileRejected([Problem(None, None, "", what)])


def _csv_rows(data: bytes, is_header: Callable[[Sequence[Cell]], bool]) -> list[NumberedRow]:
    if data.startswith(_ZIP_MAGIC):
        _refuse("Это книга Excel (XLSX), а не CSV: загрузите её с форматом xlsx.")
    if data.startswith(_OLE_MAGIC):
        _refuse("Это книга Excel старого формата (XLS), а не CSV. " + _RESAVE_CSV)
    text = _decoded(data)
    if "\x00" in text:
        _refuse("Файл не похож на текстовую таблицу. " + _RESAVE_CSV)
    head = text.splitlines()[: HEADER_SEARCH_ROWS * 2]
    first = next((line for line in head if line.strip()), "")
    delimiter = next(
        (
            candidate
            for candidate in _DELIMITERS
            if any(is_header(cells) for cells in csv.reader(head, delimiter=candidate))
        ),
        max(_DELIMITERS, key=first.count),
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[NumberedRow] = []
    line = 0
    while True:
        # numbered by record, as a spreadsheet shows the file: a quoted line break stays in its row
        line += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            _refuse(f"Строка {line} не читается как строка таблицы CSV. " + _RESAVE_CSV)
        if any(cell.strip() for cell in cells):
            rows.append((line, tuple(cells)))
            if len(rows) > MAX_ROWS:
                _too_many()
    return rows


def _decoded(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1251")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    _refuse("Не удалось распознать кодировку файла (нужна UTF-8 или Windows-1251). " + _RESAVE_CSV)


def _too_many() -> NoReturn:
    _refuse(
        f"В файле больше {MAX_ROWS} строк: в результатах одного класса столько участников не "
        "бывает. Проверьте, что выгружена таблица результатов, а не журнал посылок."
    )


def _xlsx_rows(data: bytes, is_header: Callable[[Sequence[Cell]], bool]) -> list[NumberedRow]:
    if data.startswith(_OLE_MAGIC):
        _refuse("Это книга Excel старого формата (XLS). " + _RESAVE_XLSX)
    if not data.startswith(_ZIP_MAGIC):
        _refuse("Файл не открывается как книга Excel (XLSX). " + _RESAVE_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        _refuse("Файл не открывается как книга Excel (XLSX). " + _RESAVE_XLSX)
    if unpacked > MAX_UNPACKED_BYTES:
        _refuse(
            f"Книга Excel после распаковки занимает больше {MAX_UNPACKED_BYTES >> 20} МБ: "
            "скопируйте лист результатов в новую книгу и загрузите её."
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # zipfile, XML and openpyxl's own errors mean one thing to the official: not a workbook
        _refuse("Файл не открывается как книга Excel (XLSX). " + _RESAVE_XLSX)
    try:
        sheets = list(workbook.worksheets)
        chosen = next(
            (
                sheet
                for sheet in sheets
                if any(is_header(cells) for _, cells in islice(_rows(sheet), HEADER_SEARCH_ROWS))
            ),
            sheets[0] if sheets else None,
        )
        if chosen is None:
            return []
        rows = list(islice(_rows(chosen), MAX_ROWS + 1))
    except ResultsFileRejected:
        raise
    except Exception:
        _refuse("Лист книги Excel не читается. " + _RESAVE_XLSX)
    finally:
        workbook.close()
    if len(rows) > MAX_ROWS:
        _too_many()
    return rows


def _rows(sheet: object) -> Iterator[NumberedRow]:
    reset = getattr(sheet, "reset_dimensions", None)
    if reset is not None:
        reset()  # a workbook's declared size may be wrong; read what is there
    for row in sheet.iter_rows():  # type: ignore[attr-defined]
        cells = tuple(_cell(c.value) for c in row)
        if any(c is not None and str(c).strip() for c in cells):
            number = next((c.row for c in row if getattr(c, "row", None)), 0)
            yield number, cells


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | bool | dt.datetime | dt.date):
        return value
    return str(value)
