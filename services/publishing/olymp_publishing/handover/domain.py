"""The rows handed to the regional organiser (§21): what they hold and in which columns.

§21 has the municipal organiser enter each participant's result, per subject and grade, into the
region's information system «с соблюдением полной достоверности»: so nothing is masked here (the
consent to publication governs what the public sees, and is handed over as a column), every row
of the approved final version is handed over, annulled works included with their reason, and the
names are those of the application, not initials.

Columns, in this order (CSV and XLSX; the JSON fields in brackets):
№ (position) · Фамилия (surname) · Имя (name) · Отчество (patronymic) · Дата рождения
(birth_date) · Класс (grade: the class attended) · Образовательная организация (school) ·
Задание 1 … Задание N (task_scores) · Итого баллов (total) · Место (place) · Статус (status) ·
Согласие на публикацию (consent_to_publish: «да»/«нет») · Причина аннулирования
(annulment_reason).
An annulled work has no position, place or total and the status «аннулировано»; an unknown date of
birth is empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from olymp_publishing.domain import Status, task_order
from olymp_publishing.domain.publication import ANNULLED_LABEL

AWARDED: Final = frozenset({Status.WINNER.value, Status.PRIZE_WINNER.value})
KINDS: Final = ("results", "awardees")


@dataclass(frozen=True)
class HandedRow:
    position: int | None  # None: an annulled work holds no place
    place: str | None
    surname: str
    name: str
    patronymic: str
    birth_date: dt.date | None
    grade: int
    school: str
    task_scores: Mapping[str, Decimal]
    total: Decimal | None
    status: str  # «победитель», «призёр», «участник» or «аннулировано»
    consent_to_publish: bool
    annulment_reason: str | None


def tasks_of(protocol: Mapping[str, Any]) -> list[str]:
    """Every task that has points in the version, in task order."""
    seen = {
        task
        for row in (*protocol.get("rows", []), *protocol.get("annulled", []))
        for task in row.get("task_scores") or {}
    }
    return sorted(seen, key=task_order)


def handed_rows(
    protocol: Mapping[str, Any],
    birth_dates: Mapping[str, dt.date],
    kind: str = "results",
) -> list[HandedRow]:
    """The version's rows as handed over: `kind` «results» (every row, the annulled after the
    ranked ones) or «awardees» (winners and prize-winners, for the next stage); `birth_dates`
    by participant id."""
    ranked = [_row(row, birth_dates, annulled=False) for row in protocol.get("rows", [])]
    if kind == "awardees":
        return [row for row in ranked if row.status in AWARDED]
    annulled = [_row(row, birth_dates, annulled=True) for row in protocol.get("annulled", [])]
    return ranked + annulled


def header(tasks: Sequence[str]) -> list[str]:
    return [
        "№",
        "Фамилия",
        "Имя",
        "Отчество",
        "Дата рождения",
        "Класс",
        "Образовательная организация",
        *(f"Задание {task}" for task in tasks),
        "Итого баллов",
        "Место",
        "Статус",
        "Согласие на публикацию",
        "Причина аннулирования",
    ]


def cells(row: HandedRow, tasks: Sequence[str]) -> list[Any]:
    """One row's cells under `header(tasks)`: numbers, a date or text; None where there is none."""
    return [
        row.position,
        row.surname,
        row.name,
        row.patronymic,
        row.birth_date,
        row.grade,
        row.school,
        *(row.task_scores.get(task) for task in tasks),
        row.total,
        row.place,
        row.status,
        "да" if row.consent_to_publish else "нет",
        row.annulment_reason,
    ]


def _row(
    row: Mapping[str, Any], birth_dates: Mapping[str, dt.date], *, annulled: bool
) -> HandedRow:
    return HandedRow(
        position=None if annulled else row["position"],
        place=None if annulled else row["place"],
        surname=row["surname"],
        name=row["name"],
        patronymic=row["patronymic"],
        birth_date=birth_dates.get(str(row["participant_id"])),
        grade=row["grade"],
        school=row["school"],
        task_scores={task: Decimal(p) for task, p in (row.get("task_scores") or {}).items()},
        total=None if annulled else Decimal(row["total"]),
        status=ANNULLED_LABEL if annulled else row["status"],
        consent_to_publish=bool(row["consent_to_publish"]),
        annulment_reason=(row.get("annulment_reason") or None) if annulled else None,
    )
