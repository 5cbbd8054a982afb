"""Participants from a CSV file as municipalities save it from Excel or 1C.

Accepted: UTF-8 with or without BOM, UTF-16 with BOM («Юникод» text from Excel) and Windows-1251;
the delimiter «;» (Excel in a Russian locale), «,» or a tab, whichever makes a header row. Anything
else is refused with a message saying how to re-save the file, never guessed: a wrong guess would
store garbled names.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from itertools import islice
from typing import Final

from olymp_registration.domain.importing.budget import UNLIMITED, ParseBudget
from olymp_registration.domain.importing.report import ImportReport, ProblemKind, file_problem
from olymp_registration.domain.importing.rows import (
    HEADER_SEARCH_ROWS,
    NumberedRow,
    header_score,
    read_table,
)

_DELIMITERS: Final = (";", ",", "\t")
_ZIP_MAGIC: Final = b"PK\x03\x04"
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0"  # the old binary .xls
# Encodings that Cyrillic files arrive in but that we refuse, by the names officials see in menus.
_FOREIGN_ENCODINGS: Final = (
    ("koi8_r", "KOI8-R"),
    ("cp866", "DOS (CP866)"),
    ("mac_cyrillic", "Mac"),
)
_RESAVE: Final = (
    "Сохраните таблицу в Excel через «Сохранить как» → «CSV UTF-8 (разделитель — запятая)» "
    "или «CSV (разделители — точка с запятой)» и загрузите снова."
)


def parse_participants_csv(data: bytes, budget: ParseBudget = UNLIMITED) -> ImportReport:
    """Read a participants CSV: every valid row and every problem. Never raises on bad input;
    raises ImportTooSlow when reading outlasts `budget`."""
    if not data.strip():
        return file_problem(ProblemKind.EMPTY_FILE, "Файл пуст: загрузите таблицу участников.")
    if data.startswith(_ZIP_MAGIC):
        return file_problem(
            ProblemKind.NOT_A_TABLE,
            "Это книга Excel (XLSX), а не CSV: загрузите её через импорт XLSX.",
        )
    if data.startswith(_OLE_MAGIC):
        return file_problem(
            ProblemKind.NOT_A_TABLE,
            "Это книга Excel старого формата (XLS), а не CSV. " + _RESAVE,
        )
    for text in _strict_decodings(data):
        if "\x00" in text:
            continue
        delimiter = _delimiter(text)
        if delimiter is not None:
            return read_table(_records(text, delimiter), budget=budget)
    return _why_unreadable(data, budget)


def _strict_decodings(data: bytes) -> Iterator[str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates: tuple[str, ...] = ("utf-16",)
    else:
        candidates = ("utf-8-sig", "cp1251")
    for encoding in candidates:
        try:
            yield data.decode(encoding)
        except UnicodeDecodeError:
            continue


def _records(text: str, delimiter: str) -> Iterator[NumberedRow]:
    """Rows numbered as a spreadsheet numbers them: a quoted line break stays in its row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            # A malformed record (e.g. a field past the csv size limit) is reported as an empty
            # cell row rather than losing the rest of the file.
            cells = []
        number += 1
        yield number, cells


def _delimiter(text: str) -> str | None:
    best, best_score = None, 0
    for delimiter in _DELIMITERS:
        score = 0
        for _, cells in islice(_records(text, delimiter), HEADER_SEARCH_ROWS):
            score = max(score, header_score(cells))
        if score > best_score:
            best, best_score = delimiter, score
    return best if best_score >= 2 else None


def _why_unreadable(data: bytes, budget: ParseBudget) -> ImportReport:
    lossy = data.decode("utf-8", errors="replace")
    if _delimiter(lossy) is not None:
        line = next(
            (n for n, line in enumerate(lossy.splitlines(), start=1) if "\ufffd" in line), None
        )
        return file_problem(
            ProblemKind.ENCODING,
            f"Файл в кодировке UTF-8, но строка {line} записана в другой кодировке (часть данных "
            "вставлена из другого файла). " + _RESAVE,
            row=line,
        )
    for encoding, shown in _FOREIGN_ENCODINGS:
        if _delimiter(data.decode(encoding, errors="replace")) is not None:
            return file_problem(
                ProblemKind.ENCODING,
                f"Файл сохранён в кодировке {shown}, которая не поддерживается. " + _RESAVE,
            )
    if b"\x00" in data or not any(True for _ in _strict_decodings(data)):
        return file_problem(
            ProblemKind.ENCODING,
            "Не удалось распознать кодировку файла: это не текстовая таблица в UTF-8 или "
            "Windows-1251. " + _RESAVE,
        )
    return read_table(_records(next(_strict_decodings(data)), ";"), budget=budget)
