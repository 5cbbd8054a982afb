"""What the public sees of a rating table (§21, §125), and plain dicts for JSON and CSV.

§21: results are published with surname, initials, class, school and score only for participants
whose consent is on file. A row without consent keeps its position, place, score and status (the
table stays whole and the places stay true) but shows only «участник № N», N being the row's
position in this table: it says nothing the position does not already say, and unlike a
participant id or a work code it cannot link the same child across subjects, grades or years.

Annulled works are not published: the consent covers a score, not the fact of a removal or a
violation, and they hold no place (see `ranking`). The jury protocol (`protocol_dict`) keeps them
with their reason.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from olymp_core.subjects import find_subject
from olymp_publishing.domain.errors import UnknownSubject
from olymp_publishing.domain.model import (
    RankedRow,
    RankingTable,
    ResultRow,
    Status,
    TieAtBoundary,
    points_text,
)

PUBLIC_CSV_HEADER = (
    "№",
    "Место",
    "Участник",
    "Класс",
    "Образовательная организация",
    "Баллы",
    "Статус",
)
ANNULLED_LABEL = "аннулировано"

PRELIMINARY = "preliminary"
FINAL = "final"
STAGE_LABELS = {PRELIMINARY: "предварительные", FINAL: "итоговые"}

_PARTS = re.compile(r"(\s+|-)")


@dataclass(frozen=True)
class PublicRow:
    """A published row; `grade` and `school` are None when there is no consent."""

    position: int
    place: str
    participant: str
    grade: int | None
    school: str | None
    total: Decimal
    status: Status


def initials(name: str, patronymic: str) -> str:
    """«А. В.» from «Анна», «Владимировна»; a hyphen stays: «Анна-Мария» → «А.-М.»."""
    return " ".join(part for part in (_initial(name), _initial(patronymic)) if part)


def public_name(surname: str, name: str, patronymic: str) -> str:
    """«Ёлкина А. В.»: the surname as written (ё kept), then the initials."""
    return " ".join(
        part for part in (" ".join(surname.split()), initials(name, patronymic)) if part
    )


def public_rows(table: RankingTable) -> tuple[PublicRow, ...]:
    return tuple(_public_row(ranked) for ranked in table.rows)


def public_table_dict(table: RankingTable) -> dict[str, Any]:
    """The published table as JSON-ready data (scores as decimal text, so «37.5» stays exact)."""
    return {
        "parallel": table.parallel,
        "max_total": points_text(table.max_total),
        "rows": [
            {
                "position": row.position,
                "place": row.place,
                "participant": row.participant,
                "grade": row.grade,
                "school": row.school,
                "total": points_text(row.total),
                "status": str(row.status),
            }
            for row in public_rows(table)
        ],
    }


def public_csv_rows(table: RankingTable) -> list[list[str]]:
    """Header and rows for a CSV or XLSX export of the published table."""
    lines = [list(PUBLIC_CSV_HEADER)]
    for row in public_rows(table):
        lines.append(
            [
                str(row.position),
                row.place,
                row.participant,
                "" if row.grade is None else str(row.grade),
                row.school or "",
                points_text(row.total),
                str(row.status),
            ]
        )
    return lines


def task_order(task: str) -> tuple[int, str]:
    """Tasks by number («2» before «10»), any other name after them."""
    return (int(task), task) if task.isdigit() else (1 << 30, task)


def protocol_dict(table: RankingTable) -> dict[str, Any]:
    """The whole table for the jury protocol and storage: full names, annulled works, tie groups."""
    return {
        "parallel": table.parallel,
        "max_total": points_text(table.max_total),
        "quota_places": table.quota_places,
        "rows": [
            {
                "position": ranked.position,
                "place": ranked.place,
                "status": str(ranked.status),
                **_row_dict(ranked.row),
            }
            for ranked in table.rows
        ],
        "annulled": [{"status": ANNULLED_LABEL, **_row_dict(row)} for row in table.annulled],
        "ties": [_tie_dict(tie) for tie in table.ties],
    }


def canonical_sha256(document: Mapping[str, Any]) -> str:
    """The hash a published version carries: over the canonical JSON of its document (keys
    sorted, UTF-8, no spaces), so that anyone can check a downloaded copy."""
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def subject_name(subject_code: str) -> str:
    found = find_subject(subject_code)
    return found.name if found is not None else subject_code


def require_known_subject(subject_code: str) -> None:
    """Refuse an address whose subject is not a code of the subject list (nor a name or alias)."""
    found = find_subject(subject_code)
    if found is None or found.code != subject_code:
        raise UnknownSubject(
            f"Неизвестный код предмета {subject_code!r}: используйте код из перечня предметов"
            " (например, math, russian, physics)."
        )


def _public_row(ranked: RankedRow) -> PublicRow:
    row = ranked.row
    if row.consent_to_publish:
        participant = public_name(row.surname, row.name, row.patronymic)
        return PublicRow(
            ranked.position,
            ranked.place,
            participant,
            row.grade,
            row.school,
            row.total,
            ranked.status,
        )
    return PublicRow(
        ranked.position,
        ranked.place,
        f"участник № {ranked.position}",
        None,
        None,
        row.total,
        ranked.status,
    )


def _initial(part: str) -> str:
    pieces = []
    for piece in _PARTS.split(part.strip()):
        if piece == "-":
            pieces.append("-")
        elif piece.strip():
            letter = next((ch for ch in piece if ch.isalpha()), "")
            if letter:
                pieces.append(f"{letter.upper()}.")
        elif piece and pieces:
            pieces.append(" ")
    return "".join(pieces).strip(" -")


def _row_dict(row: ResultRow) -> dict[str, Any]:
    return {
        "participant_id": row.participant_id,
        "surname": row.surname,
        "name": row.name,
        "patronymic": row.patronymic,
        "grade": row.grade,
        "parallel": row.parallel,
        "school": row.school,
        "total": points_text(row.total),
        "consent_to_publish": row.consent_to_publish,
        "annulment_reason": row.annulment_reason,
        "work_code": row.work_code,
        "task_scores": dict(row.task_scores),
    }


def _tie_dict(tie: TieAtBoundary) -> dict[str, Any]:
    return {
        "total": points_text(tie.total),
        "participant_ids": list(tie.participant_ids),
        "upper": str(tie.upper),
        "default": str(tie.default),
        "places_left": tie.places_left,
        "chair_decision": None if tie.chair_decision is None else str(tie.chair_decision),
        "status": str(tie.status),
    }
