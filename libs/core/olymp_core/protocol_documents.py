"""Protocols as officials sign them: a heading, one ruled table, lines after it, signature lines;
rendered as PDF (DejaVu Sans, A4, landscape when the table is wide) and as XLSX.

The services build a `Protocol` from their data (publishing: App. 11 and 12; scoring: App. 10) and
render it here, so every protocol of the suite looks and reads the same. A `Report` (publishing's
analytic report, App. 13) is the same page in several sections, each with its lines, its ruled
table and a chart drawn with reportlab.graphics. PDFs are built without a creation date or a
random id: the same protocol, the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from olymp_core.pdf_fonts import register_fonts
from olymp_core.spreadsheets import append_row

FORMATS: Final = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def signature_line(who: str) -> str:
    """A line to sign on: the role, the signature and the name written out."""
    return f"{who}: ____________________ / ____________________ /"


@dataclass(frozen=True)
class Protocol:
    """One protocol as lines of text and a table: what both formats print."""

    heading: tuple[str, ...]
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    after: tuple[str, ...]  # counts, annulled works
    signatures: tuple[str, ...]
    wide: bool  # many columns: landscape
    # relative column widths; None: numbers narrow, the rest of the width for names and schools
    weights: tuple[float, ...] | None = None


def protocol_pdf(found: Protocol) -> bytes:
    styles = _Styles.make()
    buffer = io.BytesIO()
    page = landscape(A4) if found.wide else A4
    document = _document(buffer, page, found.heading[1])
    story: list[Any] = _heading(found.heading, styles)
    story.append(_ruled_table(found.header, found.rows, _widths(found, page[0] - 24 * mm), styles))
    story.append(Spacer(1, 4 * mm))
    story += [Paragraph(_escape(line), styles.text) for line in found.after]
    story.append(Spacer(1, 8 * mm))
    story += [Paragraph(_escape(line), styles.text) for line in found.signatures]
    document.build(story)
    return buffer.getvalue()


def protocol_xlsx(found: Protocol) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Протокол"
    for line in found.heading:
        append_row(sheet, [line])
    sheet["A1"].font = Font(bold=True)
    sheet["A2"].font = Font(bold=True)
    append_row(sheet, [])
    append_row(sheet, found.header)
    for header_cell in sheet[sheet.max_row]:
        header_cell.font = Font(bold=True)
    for row in found.rows:
        append_row(sheet, row)
    append_row(sheet, [])
    for line in (*found.after, "", *found.signatures):
        append_row(sheet, [line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(found: Protocol, extension: str) -> bytes:
    """`found` as "pdf" or "xlsx" bytes."""
    return protocol_pdf(found) if extension == "pdf" else protocol_xlsx(found)


Cell = str | int | Decimal
"""A report's cell: numbers stay numbers in XLSX, so that the reader can compute with them."""


@dataclass(frozen=True)
class Section:
    """One part of a report: its title, lines, a ruled table and a chart under it."""

    title: str
    lines: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[Cell, ...], ...] = ()
    weights: tuple[float, ...] | None = None  # relative column widths; None: equal
    chart: Drawing | None = None  # PDF only: XLSX readers plot the table themselves
    notes: tuple[str, ...] = ()  # under the table: how to read it
    in_pdf: bool = True  # False: a long table of detail, XLSX only


@dataclass(frozen=True)
class Report:
    """A document of several sections (an analytic report), signed at the end."""

    heading: tuple[str, ...]  # the first two lines are titles
    sections: tuple[Section, ...]
    signatures: tuple[str, ...]
    wide: bool = False  # tables of many columns: landscape


def report_pdf(found: Report) -> bytes:
    styles = _Styles.make()
    buffer = io.BytesIO()
    page = landscape(A4) if found.wide else A4
    width = page[0] - 24 * mm
    document = _document(buffer, page, found.heading[1])
    story: list[Any] = _heading(found.heading, styles)
    for section in found.sections:
        if not section.in_pdf:
            continue
        # a section's title never stands alone at the foot of a page
        story.append(CondPageBreak(40 * mm))
        story.append(Paragraph(_escape(section.title), styles.section))
        story += [Paragraph(_escape(line), styles.text) for line in section.lines]
        if section.header:
            weights = section.weights or (1.0,) * len(section.header)
            widths = [width * weight / sum(weights) for weight in weights]
            rows = tuple(tuple(cell_text(cell) for cell in row) for row in section.rows)
            story.append(Spacer(1, 2 * mm))
            story.append(_ruled_table(section.header, rows, widths, styles))
        story += [Paragraph(_escape(line), styles.note) for line in section.notes]
        if section.chart is not None:
            story.append(Spacer(1, 2 * mm))
            story.append(KeepTogether([section.chart]))
        story.append(Spacer(1, 4 * mm))
    story.append(Spacer(1, 6 * mm))
    story += [Paragraph(_escape(line), styles.text) for line in found.signatures]
    document.build(story)
    return buffer.getvalue()


def report_xlsx(found: Report) -> bytes:
    """One sheet, in the PDF's order; every table's numbers as numbers."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Отчёт"
    for number, line in enumerate(found.heading):
        append_row(sheet, [line])
        if number < 2:
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    for section in found.sections:
        append_row(sheet, [])
        append_row(sheet, [section.title])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for line in section.lines:
            append_row(sheet, [line])
        if section.header:
            append_row(sheet, section.header)
            for header_cell in sheet[sheet.max_row]:
                header_cell.font = Font(bold=True)
            for row in section.rows:
                append_row(sheet, row)
        for line in section.notes:
            append_row(sheet, [line])
    append_row(sheet, [])
    for line in found.signatures:
        append_row(sheet, [line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_report(found: Report, extension: str) -> bytes:
    """`found` as "pdf" or "xlsx" bytes."""
    return report_pdf(found) if extension == "pdf" else report_xlsx(found)


def cell_text(cell: Cell) -> str:
    """A cell as printed: «37.5», «40» (no exponent, no trailing zeros)."""
    if isinstance(cell, Decimal):
        return format(cell.normalize(), "f") if cell else "0"
    return str(cell)


@dataclass(frozen=True)
class _Styles:
    text: ParagraphStyle
    title: ParagraphStyle
    section: ParagraphStyle
    note: ParagraphStyle
    cell: ParagraphStyle
    head: ParagraphStyle

    @classmethod
    def make(cls) -> _Styles:
        regular, bold = register_fonts()
        text = ParagraphStyle("text", fontName=regular, fontSize=9, leading=11)
        cell = ParagraphStyle("cell", parent=text, fontSize=8, leading=9.5)
        return cls(
            text=text,
            title=ParagraphStyle("title", parent=text, fontName=bold, fontSize=11, leading=14),
            section=ParagraphStyle(
                "section", parent=text, fontName=bold, fontSize=10, leading=13, spaceAfter=2
            ),
            note=ParagraphStyle("note", parent=text, fontSize=7.5, leading=9, spaceBefore=1),
            cell=cell,
            head=ParagraphStyle("head", parent=cell, fontName=bold),
        )


def _document(buffer: io.BytesIO, page: tuple[float, float], title: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
        invariant=True,  # no creation date or random id: the same version, the same bytes
    )


def _heading(lines: Sequence[str], styles: _Styles) -> list[Any]:
    story: list[Any] = [Paragraph(_escape(line), styles.title) for line in lines[:2]]
    story += [Paragraph(_escape(line), styles.text) for line in lines[2:]]
    story.append(Spacer(1, 4 * mm))
    return story


def _ruled_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    styles: _Styles,
) -> Table:
    data = [[Paragraph(_escape(name), styles.head) for name in header]]
    data += [[Paragraph(_escape(value), styles.cell) for value in row] for row in rows]
    table = Table(data, repeatRows=1, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _widths(found: Protocol, total: float) -> Sequence[float]:
    """The protocol's own proportions, or narrow columns for numbers and the rest of the width
    for names and schools; never wider than the page."""
    if found.weights is not None:
        return [total * weight / sum(found.weights) for weight in found.weights]
    narrow = {"№": 9 * mm, "Класс": 15 * mm, "Место": 16 * mm, "Сумма": 17 * mm, "Баллы": 16 * mm}
    narrow["Шифр"] = 24 * mm
    narrow["Статус"] = 22 * mm
    fixed = {
        i: narrow.get(name, 15 * mm if name.startswith("Зад.") else 0.0)
        for i, name in enumerate(found.header)
    }
    free = [i for i, width in fixed.items() if not width]
    if not free:
        return [fixed[i] * total / sum(fixed.values()) for i in range(len(found.header))]
    left = max(total - sum(fixed.values()), 20 * mm * len(free))
    widths = [fixed[i] or left / len(free) for i in range(len(found.header))]
    return [width * min(1.0, total / sum(widths)) for width in widths]


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
