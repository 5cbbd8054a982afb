"""A published version as CSV, XLSX and an HTML page, rendered from its stored document only.

Rendering from the stored document (not from current data) keeps every format of a version
identical to what was published, whatever changed later.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Mapping
from html import escape
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.xml.functions import tostring

from olymp_core.clock import to_local
from olymp_core.spreadsheets import append_row, csv_row
from olymp_publishing.domain import PUBLIC_CSV_HEADER

HTML_HEADER = ("Место", "Участник", "Класс", "Образовательная организация", "Баллы", "Статус")


def title(document: Mapping[str, Any]) -> str:
    return (
        f"{document['subject_name'].capitalize()}, {document['grade']} класс:"
        f" {document['stage_label']} результаты"
    )


def published_text(document: Mapping[str, Any]) -> str:
    """The publication time as the region reads it: «23.11.2026 23:30 (Asia/Omsk)».

    A version published before the olympiad's zone was known says «UTC» instead, so that no
    reader takes a UTC time for local time.
    """
    return local_text(
        dt.datetime.fromisoformat(document["published_at"]), document.get("time_zone")
    )


def local_text(instant: dt.datetime, time_zone: str | None) -> str:
    if not time_zone:
        return instant.astimezone(dt.UTC).strftime("%d.%m.%Y %H:%M UTC")
    return f"{to_local(instant, time_zone):%d.%m.%Y %H:%M} ({time_zone})"


def _cells(row: Mapping[str, Any]) -> list[str]:
    return [
        str(row["position"]),
        row["place"],
        row["participant"],
        "" if row["grade"] is None else str(row["grade"]),
        row["school"] or "",
        row["total"],
        row["status"],
    ]


def csv_bytes(document: Mapping[str, Any]) -> bytes:
    """UTF-8 with a BOM and «;» — what a spreadsheet on a Russian-locale machine opens as is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(PUBLIC_CSV_HEADER)
    writer.writerows(csv_row(_cells(row)) for row in document["rows"])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(document: Mapping[str, Any]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"{document['grade']} класс"
    olympiad = document.get("olympiad_title")
    append_row(
        sheet,
        [
            (f"{olympiad}. " if olympiad else "")
            + f"{title(document)}, версия {document['version']} от {published_text(document)}"
        ],
    )
    sheet["A1"].font = Font(bold=True)
    append_row(sheet, PUBLIC_CSV_HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in document["rows"]:
        cells: list[Any] = _cells(row)
        cells[0] = row["position"]
        if row["grade"] is not None:
            cells[3] = row["grade"]
        append_row(sheet, cells)
    for letter, width in zip("ABCDEFG", (5, 8, 30, 7, 45, 8, 13), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _stamped(
        buffer.getvalue(), workbook, dt.datetime.fromisoformat(document["published_at"])
    )


def _stamped(data: bytes, workbook: Workbook, published: dt.datetime) -> bytes:
    """The workbook with the publication instant for every date in it instead of "now".

    openpyxl stamps the save time into the document properties and every zip entry, so two
    renderings of one version would differ; a published file's bytes (and its ETag) must not.
    """
    when = published.astimezone(dt.UTC).replace(tzinfo=None)
    workbook.properties.created = when
    workbook.properties.modified = when
    core = tostring(workbook.properties.to_tree())
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = core if entry.filename == "docProps/core.xml" else source.read(entry)
            fixed = zipfile.ZipInfo(entry.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = entry.external_attr
            target.writestr(fixed, content)
    return out.getvalue()


def html_page(document: Mapping[str, Any], sha256: str) -> str:
    """A plain, accessible page: language set, one h1, a short caption naming the table (the h1
    already says which one), header cells with scope, no scripts."""
    heading = escape(title(document))
    olympiad = document.get("olympiad_title")
    olympiad_line = f'<p class="olympiad">{escape(olympiad)}</p>\n' if olympiad else ""
    when = escape(published_text(document))
    note = f'\n<p class="note">{escape(document["note"])}</p>' if document.get("note") else ""
    head_cells = "".join(f'<th scope="col">{escape(name)}</th>' for name in HTML_HEADER)
    body_rows = "\n".join(_html_row(row) for row in document["rows"])
    if not document["rows"]:
        body_rows = f'<tr><td colspan="{len(HTML_HEADER)}">Результатов нет.</td></tr>'
    return f"""<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{heading}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #111; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #888; padding: 0.3rem 0.6rem; text-align: left; }}
td.num {{ text-align: right; }}
caption {{ text-align: left; font-weight: bold; margin-bottom: 0.5rem; }}
p.olympiad {{ font-size: 1.1rem; margin-bottom: 0; }}
</style>
</head>
<body>
<main>
<header>
{olympiad_line}<h1>{heading}</h1>
</header>
<p>Версия {int(document["version"])} от <time datetime="{escape(document["published_at"])}">{when}</time>.
Максимальный балл: {escape(document["max_total"])}.</p>{note}
<table>
<caption>Рейтинговая таблица</caption>
<thead><tr>{head_cells}</tr></thead>
<tbody>
{body_rows}
</tbody>
</table>
<p>Участники, не давшие согласия на публикацию персональных данных, указаны без фамилии,
класса и образовательной организации.</p>
<p>Контрольная сумма SHA-256 версии: <code>{escape(sha256)}</code></p>
</main>
</body>
</html>
"""


def _html_row(row: Mapping[str, Any]) -> str:
    grade = "" if row["grade"] is None else str(int(row["grade"]))
    return (
        "<tr>"
        f'<td class="num">{escape(row["place"])}</td>'
        f'<th scope="row">{escape(row["participant"])}</th>'
        f'<td class="num">{grade}</td>'
        f"<td>{escape(row['school'] or '')}</td>"
        f'<td class="num">{escape(row["total"])}</td>'
        f"<td>{escape(row['status'])}</td>"
        "</tr>"
    )
