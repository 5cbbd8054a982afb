"""Protocols as officials sign them: a heading, one ruled table, lines after it, signature lines;
rendered as PDF (DejaVu Sans, A4, landscape when the table is wide) and as XLSX.

The services build a `Protocol` from their data (publishing: App. 11 and 12; scoring: App. 10) and
render it here, so every protocol of the suite looks and reads the same. PDFs are built without a
creation date or a random id: the same protocol, the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

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
    regular, bold = register_fonts()
    text = ParagraphStyle("text", fontName=regular, fontSize=9, leading=11)
    title = ParagraphStyle("title", parent=text, fontName=bold, fontSize=11, leading=14)
    cell = ParagraphStyle("cell", parent=text, fontSize=8, leading=9.5)
    head = ParagraphStyle("head", parent=cell, fontName=bold)
    buffer = io.BytesIO()
    page = landscape(A4) if found.wide else A4
    document = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=found.heading[1],
        invariant=True,  # no creation date or random id: the same version, the same bytes
    )
    story: list[Any] = [Paragraph(_escape(line), title) for line in found.heading[:2]]
    story += [Paragraph(_escape(line), text) for line in found.heading[2:]]
    story.append(Spacer(1, 4 * mm))
    data = [[Paragraph(_escape(name), head) for name in found.header]]
    data += [[Paragraph(_escape(value), cell) for value in row] for row in found.rows]
    table = Table(data, repeatRows=1, colWidths=_widths(found, page[0] - 24 * mm))
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    story.append(Spacer(1, 4 * mm))
    story += [Paragraph(_escape(line), text) for line in found.after]
    story.append(Spacer(1, 8 * mm))
    story += [Paragraph(_escape(line), text) for line in found.signatures]
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
