"""Cells that a spreadsheet must show as text, never run as a formula.

Names and schools come from application files and forms: a school typed as
`=HYPERLINK("http://…","Лицей")` would become a live formula in whoever opens the exported table
(CSV injection). Every CSV and XLSX the suite writes goes through here:

- CSV has no types, so a cell that a spreadsheet would read as a formula (it begins with `=`, `+`,
  `-`, `@`, a tab or a carriage return) gets a leading apostrophe, the mark spreadsheets themselves
  use for "text as typed";
- XLSX has types: every string is written as a string cell (openpyxl would store one beginning with
  `=` as a formula), so it shows exactly as typed, with no mark.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """`value` as a CSV cell a spreadsheet will not evaluate."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_row(values: Iterable[str]) -> list[str]:
    return [csv_text(value) for value in values]


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append a row whose strings are all text cells, whatever they begin with."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
