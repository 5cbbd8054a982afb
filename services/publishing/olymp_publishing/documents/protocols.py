"""The jury's protocols of a published version, as the seeds' appendices name them, PDF and XLSX.

- «results» — the results protocol (Приложение № 11, §75, §77): every participant with the work's
  code, the points per task, the total, the place and the status; the annulled works apart with
  their reasons; signed by the jury chair and the members.
- «jury» — the jury protocol (Приложение № 12, §21): the rating table of winners, prize-winners
  and participants with the quota, signed by the chair and the secretary.

Both are rendered from the version's stored protocol (full names: these documents go to the
organiser, not to the public), so a version's protocol never changes. The PDF is set in DejaVu
Sans (`olymp_core.pdf_fonts`) and built without a creation date, so the same version gives the
same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
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
from olymp_publishing.documents.tables import published_text

KINDS: Final = ("results", "jury")
FORMATS: Final = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TITLES: Final = {
    "results": "Протокол результатов (Приложение № 11)",
    "jury": "Протокол жюри (Приложение № 12)",
}


@dataclass(frozen=True)
class Protocol:
    """One protocol as lines of text and a table: what both formats print."""

    heading: tuple[str, ...]
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    after: tuple[str, ...]  # counts, annulled works
    signatures: tuple[str, ...]
    wide: bool  # many columns: landscape


def full_name(row: Mapping[str, Any]) -> str:
    return " ".join(part for part in (row["surname"], row["name"], row["patronymic"]) if part)


def _heading(document: Mapping[str, Any], what: str) -> tuple[str, ...]:
    olympiad = document.get("olympiad_title") or "Муниципальный этап всероссийской олимпиады"
    return (
        olympiad,
        what,
        f"Предмет: {document['subject_name']}, {document['grade']} класс",
        f"{str(document['stage_label']).capitalize()} результаты, версия {document['version']}"
        f" от {published_text(document)}",
        f"Максимальный балл: {document['max_total']}",
    )


def _tasks(protocol: Mapping[str, Any]) -> list[str]:
    seen: dict[str, None] = {}
    for row in protocol["rows"]:
        for task in row.get("task_scores", {}):
            seen.setdefault(task, None)
    return sorted(seen, key=lambda t: (int(t), t) if t.isdigit() else (1 << 30, t))


def _annulled_lines(protocol: Mapping[str, Any]) -> tuple[str, ...]:
    annulled = protocol.get("annulled", [])
    if not annulled:
        return ()
    return (
        "Аннулированные работы:",
        *(
            f"{row.get('work_code') or '—'} — {full_name(row)}: {row['annulment_reason']}"
            for row in annulled
        ),
    )


def results_protocol(document: Mapping[str, Any], protocol: Mapping[str, Any]) -> Protocol:
    tasks = _tasks(protocol)
    rows = tuple(
        (
            str(row["position"]),
            row.get("work_code") or "—",
            full_name(row),
            str(row["grade"]),
            row["school"],
            *(row.get("task_scores", {}).get(task, "—") for task in tasks),
            row["total"],
            row["place"],
            row["status"],
        )
        for row in protocol["rows"]
    )
    return Protocol(
        heading=_heading(document, "Протокол результатов (Приложение № 11, п. 75, 77)"),
        header=(
            "№",
            "Шифр",
            "Фамилия, имя, отчество",
            "Класс",
            "Образовательная организация",
            *(f"Зад. {task}" for task in tasks),
            "Сумма",
            "Место",
            "Статус",
        ),
        rows=rows,
        after=_annulled_lines(protocol),
        signatures=(
            "Председатель жюри: ____________________ / ____________________ /",
            "Члены жюри: ____________________ / ____________________ /",
        ),
        wide=True,
    )


def jury_protocol(document: Mapping[str, Any], protocol: Mapping[str, Any]) -> Protocol:
    statuses = [row["status"] for row in protocol["rows"]]
    counts = (
        f"Участников в рейтинге: {len(statuses)}; квота победителей и призёров (мест):"
        f" {protocol['quota_places']}.",
        f"Победителей: {statuses.count('победитель')}; призёров: {statuses.count('призёр')};"
        f" участников: {statuses.count('участник')}.",
    )
    rows = tuple(
        (
            str(row["position"]),
            full_name(row),
            str(row["grade"]),
            row["school"],
            row["total"],
            row["place"],
            row["status"],
        )
        for row in protocol["rows"]
    )
    return Protocol(
        heading=_heading(
            document,
            "Протокол жюри по определению победителей и призёров (Приложение № 12)",
        ),
        header=(
            "№",
            "Фамилия, имя, отчество",
            "Класс",
            "Образовательная организация",
            "Баллы",
            "Место",
            "Статус",
        ),
        rows=rows,
        after=(*counts, *_annulled_lines(protocol)),
        signatures=(
            "Председатель жюри: ____________________ / ____________________ /",
            "Секретарь жюри: ____________________ / ____________________ /",
        ),
        wide=False,
    )


BUILDERS: Final = {"results": results_protocol, "jury": jury_protocol}


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


def render(
    kind: str, extension: str, document: Mapping[str, Any], protocol: Mapping[str, Any]
) -> bytes:
    found = BUILDERS[kind](document, protocol)
    return protocol_pdf(found) if extension == "pdf" else protocol_xlsx(found)


def _widths(found: Protocol, total: float) -> Sequence[float]:
    """Narrow columns for numbers, the rest of the width for names and schools."""
    narrow = {"№": 9 * mm, "Класс": 15 * mm, "Место": 16 * mm, "Сумма": 17 * mm, "Баллы": 16 * mm}
    narrow["Шифр"] = 24 * mm
    narrow["Статус"] = 22 * mm
    fixed = {
        i: narrow.get(name, 15 * mm if name.startswith("Зад.") else 0.0)
        for i, name in enumerate(found.header)
    }
    free = [i for i, width in fixed.items() if not width]
    left = max(total - sum(fixed.values()), 40 * mm * len(free))
    return [fixed[i] or left / len(free) for i in range(len(found.header))]


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
