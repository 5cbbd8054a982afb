"""Formula neutralisation (CSV injection) in every CSV and XLSX the suite writes."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from olymp_core.spreadsheets import append_row, csv_row

HOSTILE = ['=HYPERLINK("http://example.com/x","Лицей")', "+7 (3812) 00-00-00", "-1+1", "@SUM(A1)"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_csv_cell_that_would_be_a_formula_is_marked_as_text(value: str) -> None:
    assert csv_row([value]) == ["'" + value]


def test_ordinary_csv_cells_are_left_as_they_are() -> None:
    ordinary = ["МБОУ «СОШ № 2»", "2–4", "35.5", "Ёлкина А. В.", "", "участник № 5"]
    assert csv_row(ordinary) == ordinary


def test_an_xlsx_row_holds_text_cells_and_no_formula() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    append_row(sheet, ["Школа", "Баллы"])
    append_row(sheet, [HOSTILE[0], 48])
    buffer = io.BytesIO()
    workbook.save(buffer)

    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    loaded = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert loaded is not None
    assert loaded["A2"].value == HOSTILE[0] and loaded["A2"].data_type == "s"
    assert loaded["B2"].value == 48  # numbers stay numbers


def test_the_csv_module_keeps_the_mark_through_quoting() -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerow(csv_row([HOSTILE[0]]))
    [line] = list(csv.reader(io.StringIO(buffer.getvalue()), delimiter=";"))
    assert line == ["'" + HOSTILE[0]]
