"""A version's files are a function of its document: rendered again later, byte for byte the same
(their content hash is the ETag, and nginx and the service serve the stored bytes)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
import types
import uuid
import zipfile
from decimal import Decimal
from typing import Any

import openpyxl.writer.excel
import pytest
from openpyxl import load_workbook

from olymp_core.subject_grade import SubjectGrade
from olymp_publishing import documents
from olymp_publishing.domain import QuotaPolicy, ResultRow, build_table, public_table_dict
from olymp_publishing.store import StoredVersion

OLYMPIAD = "0b4d3a55-0000-4000-8000-000000000001"


def stored_version(school: str = "МБОУ «Лицей»") -> StoredVersion:
    rows = [
        ResultRow(
            participant_id=str(n),
            surname=surname,
            name="Анна",
            patronymic="",
            grade=9,
            school=school,
            total=Decimal(total),
            max_total=Decimal(50),
            consent_to_publish=True,
        )
        for n, (surname, total) in enumerate((("Ёлкина", "40"), ("Борисова", "37.5")))
    ]
    table = build_table(rows, QuotaPolicy(prize_quota_share=Decimal("0.5")))
    document: dict[str, Any] = {
        "olympiad_id": OLYMPIAD,
        "olympiad_title": "Муниципальный этап",
        "time_zone": "Asia/Omsk",
        "subject_code": "math",
        "subject_name": "математика",
        "grade": 9,
        "stage": "preliminary",
        "stage_label": "предварительные",
        "version": 1,
        "published_at": "2025-10-20T05:00:00+00:00",
        "quota_places": table.quota_places,
        **public_table_dict(table),
    }
    return StoredVersion(
        SubjectGrade(uuid.UUID(OLYMPIAD), "math", 9),
        1,
        "preliminary",
        document,
        "ab" * 32,
        dt.datetime(2025, 10, 20, 5, tzinfo=dt.UTC),
    )


def test_every_format_renders_to_the_same_bytes_at_another_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    version = stored_version()
    first = documents.version_files(version)

    # A day later: openpyxl stamps "now" into the workbook, zipfile into every entry.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)

    class LaterDatetime(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> LaterDatetime:
            return cls.fromtimestamp(later.timestamp(), tz)

    fake_datetime = types.SimpleNamespace(datetime=LaterDatetime, timezone=dt.timezone)
    monkeypatch.setattr(openpyxl.writer.excel, "datetime", fake_datetime)
    fake_time = types.SimpleNamespace(time=lambda: later.timestamp(), localtime=time.localtime)
    monkeypatch.setattr(zipfile, "time", fake_time)

    again = documents.version_files(version)
    assert set(first) == {"json", "html", "csv", "xlsx"}
    for extension in first:
        assert again[extension] == first[extension], extension


def test_the_workbook_carries_the_publication_instant_not_the_rendering_time() -> None:
    data = documents.version_files(stored_version())["xlsx"]
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert {entry.date_time for entry in archive.infolist()} == {(2025, 10, 20, 5, 0, 0)}
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.properties.modified == dt.datetime(2025, 10, 20, 5, 0)
    sheet = workbook.active
    assert sheet is not None
    assert sheet["C3"].value == "Ёлкина А."


def test_the_json_file_is_the_table_with_its_hash() -> None:
    body = json.loads(documents.version_files(stored_version())["json"])
    assert (body["version"], body["stage"], body["sha256"]) == (1, "preliminary", "ab" * 32)
    assert [row["participant"] for row in body["rows"]] == ["Ёлкина А.", "Борисова А."]


def test_a_school_typed_as_a_formula_stays_text_in_the_public_csv_and_xlsx() -> None:
    """§21 exports: a school named `=HYPERLINK(…)` in an application file must not become a live
    link in the spreadsheet of whoever opens the published table."""
    school = '=HYPERLINK("http://example.com/steal","МБОУ «Лицей»")'
    version = stored_version(school)
    files = documents.version_files(version)
    text = files["csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][4] == "'" + school
    with zipfile.ZipFile(io.BytesIO(files["xlsx"])) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    sheet = load_workbook(io.BytesIO(files["xlsx"])).active
    assert sheet is not None
    assert (sheet["E3"].value, sheet["E3"].data_type) == (school, "s")


def test_the_index_links_the_olympiads_public_page_where_one_is_configured() -> None:
    olympiad_id = uuid.UUID(OLYMPIAD)
    linked = documents.index_files(olympiad_id, None, {}, "https://olymp.example.ru/")
    page = linked["html"].decode()
    assert (
        f'<a href="https://olymp.example.ru/olympiad/{OLYMPIAD}">Анализ заданий, показ работ, '
        "апелляции и расписание общественного наблюдения</a>"
    ) in page
    assert json.loads(linked["json"])["schedule_url"] == (
        f"https://olymp.example.ru/olympiad/{OLYMPIAD}"
    )
    assert documents.index_files(olympiad_id, None, {}, "https://olymp.example.ru/") == linked
    unlinked = documents.index_files(olympiad_id, None, {})
    assert "/olympiad/" not in unlinked["html"].decode()
    assert json.loads(unlinked["json"])["schedule_url"] is None
