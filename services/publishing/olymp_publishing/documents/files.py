"""Every file a published version is served as, and the olympiad's index files, as bytes.

A version's files are rendered from its stored document only, and deterministically (the same
document always gives the same bytes), so any writer or reader that renders a version again
produces exactly the files that were published, with the same content hash.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from olymp_core.subject_grade import SubjectGrade
from olymp_publishing.documents.index import index_page
from olymp_publishing.documents.tables import csv_bytes, html_page, xlsx_bytes
from olymp_publishing.domain import subject_name
from olymp_publishing.schemas import (
    ResultIndex,
    ResultIndexEntry,
    ResultTableRead,
    VersionSummary,
)
from olymp_publishing.store import Olympiad, StoredVersion, VersionRef

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Each format a table is served in, with its media type; "json" is the address without a suffix.
TABLE_FORMATS: dict[str, str] = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": XLSX,
}
INDEX_FORMATS: dict[str, str] = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
}
DOWNLOADS = frozenset({"csv", "xlsx"})


def version_files(stored: StoredVersion) -> dict[str, bytes]:
    """The version in every format of `TABLE_FORMATS`."""
    document = stored.document
    table = ResultTableRead.model_validate({**document, "sha256": stored.sha256})
    # `note` only where the version has one: the hash is over the document as published
    left_out = {"note"} if table.note is None else None
    return {
        "json": table.model_dump_json(exclude=left_out).encode(),
        "html": html_page(document, stored.sha256).encode(),
        "csv": csv_bytes(document),
        "xlsx": xlsx_bytes(document),
    }


def download_name(key: SubjectGrade, version: int, extension: str) -> str:
    return f"{key.subject_code}-{key.grade}-v{version}.{extension}"


def links(key: SubjectGrade) -> dict[str, str]:
    base = f"/results/{key.olympiad_id}/{key.subject_code}/{key.grade}"
    return {"json": base, "csv": f"{base}.csv", "xlsx": f"{base}.xlsx", "html": f"{base}.html"}


def summary(version: VersionRef | StoredVersion) -> VersionSummary:
    return VersionSummary.model_validate(
        {
            "version": version.version,
            "stage": version.stage,
            "published_at": version.created_at,
            "sha256": version.sha256,
            "note": version.document.get("note")
            if isinstance(version, StoredVersion)
            else version.note,
        }
    )


def result_index(
    olympiad_id: uuid.UUID,
    olympiad: Olympiad | None,
    tables: Mapping[SubjectGrade, Sequence[VersionRef]],
    public_page_url: str = "",
) -> ResultIndex:
    return ResultIndex(
        olympiad_id=olympiad_id,
        olympiad_title=None if olympiad is None else olympiad.title,
        schedule_url=(
            f"{public_page_url.rstrip('/')}/olympiad/{olympiad_id}" if public_page_url else None
        ),
        tables=[
            ResultIndexEntry(
                subject_code=key.subject_code,
                subject_name=subject_name(key.subject_code),
                grade=key.grade,
                latest=summary(versions[-1]),
                versions=[summary(v) for v in versions],
                links=links(key),
            )
            for key, versions in tables.items()
        ],
    )


def index_files(
    olympiad_id: uuid.UUID,
    olympiad: Olympiad | None,
    tables: Mapping[SubjectGrade, Sequence[VersionRef]],
    public_page_url: str = "",
) -> dict[str, bytes]:
    """The olympiad's index in every format of `INDEX_FORMATS`."""
    index = result_index(olympiad_id, olympiad, tables, public_page_url)
    time_zone = None if olympiad is None else olympiad.time_zone
    return {
        "json": index.model_dump_json().encode(),
        "html": index_page(index, time_zone).encode(),
    }
