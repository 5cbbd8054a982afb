"""The jury's protocols of a published version, as the seeds' appendices name them, PDF and XLSX.

- «results» — the results protocol (Приложение № 11, §75, §77): every participant with the work's
  code, the points per task, the total, the place and the status; the annulled works apart with
  their reasons; signed by the jury chair and the members.
- «jury» — the jury protocol (Приложение № 12, §21): the rating table of winners, prize-winners
  and participants with the quota, signed by the chair and the secretary.

Both are rendered from the version's stored protocol (full names: these documents go to the
organiser, not to the public), so a version's protocol never changes; `olymp_core.protocol_documents`
lays them out as PDF and XLSX.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from olymp_core import protocol_documents
from olymp_core.protocol_documents import Protocol, signature_line
from olymp_publishing.documents.tables import published_text
from olymp_publishing.domain import task_order

KINDS: Final = ("results", "jury")
FORMATS: Final = protocol_documents.FORMATS
TITLES: Final = {
    "results": "Протокол результатов (Приложение № 11)",
    "jury": "Протокол жюри (Приложение № 12)",
}


def full_name(row: Mapping[str, Any]) -> str:
    return " ".join(part for part in (row["surname"], row["name"], row["patronymic"]) if part)


def heading(document: Mapping[str, Any], what: str) -> tuple[str, ...]:
    """The lines above a document of a version: olympiad, title, subject and grade, version."""
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
    return sorted(seen, key=task_order)


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
        heading=heading(document, "Протокол результатов (Приложение № 11, п. 75, 77)"),
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
        signatures=(signature_line("Председатель жюри"), signature_line("Члены жюри")),
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
        heading=heading(
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
        signatures=(signature_line("Председатель жюри"), signature_line("Секретарь жюри")),
        wide=False,
    )


BUILDERS: Final = {"results": results_protocol, "jury": jury_protocol}


def render(
    kind: str, extension: str, document: Mapping[str, Any], protocol: Mapping[str, Any]
) -> bytes:
    return protocol_documents.render(BUILDERS[kind](document, protocol), extension)
