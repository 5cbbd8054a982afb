"""Printable code labels and packet cover sheets (§48, §62), as PDF.

Labels come on A4 sheets of 3 × 7 labels of 70 × 42.3 mm, the common self-adhesive stock. Each
work gets one title-page label and several answer-sheet labels, in that order; each label has the
QR code (see `domain.payload`) and the code in large print, so a label is read by a scanner and by
a person alike. Text is set in DejaVu Sans, which covers Cyrillic (`olymp_core.pdf_fonts`).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from olymp_coding.domain import validate_code
from olymp_coding.scans.domain import answer_payload, title_payload
from olymp_core.pdf_fonts import register_fonts

TITLE_LABEL: Final = "Титульный лист"
ANSWER_LABEL: Final = "Лист ответов"
_COLUMNS: Final = 3
_ROWS: Final = 7
_LABEL_WIDTH: Final = 70 * mm
_LABEL_HEIGHT: Final = 42.3 * mm
_PADDING: Final = 3 * mm
_QR_SIDE: Final = 30 * mm
_QR_BORDER_MODULES: Final = 4  # the quiet zone a QR reader needs around the symbol
# Q recovers a quarter of the symbol (a smudge, a staple) and keeps the payload in version 2.
_QR_ERROR: Final = "q"


@dataclass(frozen=True)
class _Label:
    work_code: str
    grade: int
    payload: str
    caption: str


def _labels(works: Sequence[tuple[str, int]], answer_labels_per_work: int) -> Iterator[_Label]:
    for work_code, grade in works:
        code = validate_code(work_code)
        yield _Label(code, grade, title_payload(code), TITLE_LABEL)
        for sheet in range(1, answer_labels_per_work + 1):
            yield _Label(code, grade, answer_payload(code, sheet), f"{ANSWER_LABEL} {sheet}")


def _draw_qr(canvas: Any, payload: str, x: float, y: float, side: float) -> None:
    # Drawn as vector rectangles, one per run of dark modules, so it stays sharp at any printer dpi.
    qr = segno.make(payload, error=_QR_ERROR, micro=False, boost_error=False)
    matrix = qr.matrix
    module = side / (len(matrix) + 2 * _QR_BORDER_MODULES)
    origin_x = x + _QR_BORDER_MODULES * module
    top = y + side - _QR_BORDER_MODULES * module
    for row_index, row in enumerate(matrix):
        run_start: int | None = None
        for column, dark in enumerate([*row, 0]):
            if dark and run_start is None:
                run_start = column
            elif not dark and run_start is not None:
                canvas.rect(
                    origin_x + run_start * module,
                    top - (row_index + 1) * module,
                    (column - run_start) * module,
                    module,
                    stroke=0,
                    fill=1,
                )
                run_start = None


def _fit(canvas: Any, text: str, font: str, size: float, width: float) -> str:
    if canvas.stringWidth(text, font, size) <= width:
        return text
    while text and canvas.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def label_sheets_pdf(
    room: str,
    subject_name: str,
    works: Sequence[tuple[str, int]],
    answer_labels_per_work: int = 4,
) -> bytes:
    """A4 label sheets for one room and subject: per work a title label and answer labels."""
    if answer_labels_per_work < 1:
        raise ValueError("a work needs at least one answer-sheet label")
    regular, bold = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle(f"Наклейки с шифрами: {subject_name}, аудитория {room}")
    _, page_height = A4
    top_margin = (page_height - _ROWS * _LABEL_HEIGHT) / 2
    per_sheet = _COLUMNS * _ROWS
    text_width = _LABEL_WIDTH - _QR_SIDE - 3 * _PADDING
    index = -1
    for index, label in enumerate(_labels(works, answer_labels_per_work)):
        if index and index % per_sheet == 0:
            canvas.showPage()
        slot = index % per_sheet
        x = (slot % _COLUMNS) * _LABEL_WIDTH
        y = page_height - top_margin - (slot // _COLUMNS + 1) * _LABEL_HEIGHT
        _draw_qr(canvas, label.payload, x + _PADDING, y + (_LABEL_HEIGHT - _QR_SIDE) / 2, _QR_SIDE)
        text_x = x + _QR_SIDE + 2 * _PADDING
        line_y = y + _LABEL_HEIGHT - _PADDING - 5 * mm
        canvas.setFont(bold, 10)
        canvas.drawString(text_x, line_y, _fit(canvas, label.work_code, bold, 10, text_width))
        canvas.setFont(bold, 8)
        canvas.drawString(text_x, line_y - 5 * mm, _fit(canvas, label.caption, bold, 8, text_width))
        canvas.setFont(regular, 7)
        details = (subject_name, f"Класс {label.grade}", f"Аудитория {room}")
        for line, text in enumerate(details):
            canvas.drawString(
                text_x, line_y - (10 + 4 * line) * mm, _fit(canvas, text, regular, 7, text_width)
            )
    if index < 0:
        canvas.setFont(regular, 12)
        canvas.drawString(20 * mm, page_height - 30 * mm, "Нет работ для печати наклеек.")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def packet_cover_pdf(
    *,
    venue: str,
    room: str,
    subject_name: str,
    grade: int,
    work_codes: Sequence[str],
    olympiad_title: str = "Муниципальный этап всероссийской олимпиады школьников",
) -> bytes:
    """The cover sheet attached to a delivery packet (сопроводительный бланк, §48): codes only."""
    regular, bold = register_fonts()
    codes = [validate_code(code) for code in work_codes]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle(f"Сопроводительный бланк: {subject_name}, {grade} класс, аудитория {room}")
    page_width, page_height = A4
    left = 20 * mm
    y = page_height - 25 * mm
    canvas.setFont(regular, 10)
    canvas.drawString(left, y, _fit(canvas, olympiad_title, regular, 10, page_width - 2 * left))
    y -= 10 * mm
    canvas.setFont(bold, 14)
    canvas.drawString(left, y, "Сопроводительный бланк к доставочному пакету")
    y -= 12 * mm
    fields = (
        ("Место проведения", venue),
        ("Аудитория", room),
        ("Предмет", subject_name),
        ("Класс", str(grade)),
        ("Количество работ", str(len(codes))),
    )
    for name, value in fields:
        canvas.setFont(bold, 11)
        canvas.drawString(left, y, f"{name}:")
        canvas.setFont(regular, 11)
        canvas.drawString(left + 45 * mm, y, _fit(canvas, value, regular, 11, 120 * mm))
        y -= 7 * mm
    y -= 4 * mm
    canvas.setFont(bold, 11)
    canvas.drawString(left, y, "Шифры работ в пакете:")
    y -= 8 * mm
    columns, column_width, row_height, bottom = 4, 42 * mm, 6 * mm, 45 * mm
    rows_here = max(1, int((y - bottom) / row_height))
    canvas.setFont(regular, 10)
    for number, code in enumerate(codes, start=1):
        slot = number - 1
        if slot and slot % (rows_here * columns) == 0:
            canvas.showPage()
            y = page_height - 25 * mm
            rows_here = int((y - bottom) / row_height)
            canvas.setFont(regular, 10)
        slot %= rows_here * columns
        column, row = divmod(slot, rows_here)
        canvas.drawString(left + column * column_width, y - row * row_height, f"{number}. {code}")
    canvas.setFont(regular, 10)
    signatures = (
        "Пакет запаковал (представитель оргкомитета): ____________ / ____________________",
        "Пакет принял (ответственное лицо): ____________ / ____________________",
        "Дата и время передачи: «____» ____________ 20___ г.  ____ ч ____ мин",
    )
    for line, text in enumerate(signatures):
        canvas.drawString(left, 35 * mm - line * 9 * mm, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
