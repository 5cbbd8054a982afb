"""The checking protocol of a subject and grade (Приложение № 10): every work by its code, each
task's marks by member and round, the score they give and the score after an appeal (§116) or a
correction (§120); and the report of a selective re-check (§21), each re-checked work's official
scores beside the re-check. Works are named by code only: scoring never knows whose they are.

Laid out by `olymp_core.protocol_documents`, as every protocol of the suite.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from olymp_core.protocol_documents import Protocol, signature_line
from olymp_core.subject_grade import SubjectGrade
from olymp_core.subjects import find_subject
from olymp_scoring.domain import WorkSheet, WorkStatus, plain
from olymp_scoring.domain.rechecking import (
    RecheckOrigin,
    RecheckSample,
    RecheckSummary,
    WorkComparison,
)
from olymp_scoring.domain.work import MARKERS_PER_WORK

TITLE = "Протокол проверки работ (Приложение № 10, п. 69–75)"
TESTING_SYSTEM = "тестирующая система"


@dataclass(frozen=True)
class CheckedWork:
    sheet: WorkSheet
    status: WorkStatus
    final_scores: dict[int, Decimal] | None  # after appeals and corrections; None: not checked
    annulment: str | None


def _points(value: Decimal) -> str:
    return str(plain(value))


def _rounds(sheet: WorkSheet, task: int) -> tuple[str, str, str]:
    """«member: points» for the first, the second and the third marking of a task."""
    if sheet.checked_automatically:
        # §67: no jury marking; the testing system's points stand in the first column
        imported = (sheet.imported_scores or {}).get(task)
        found = "—" if imported is None else f"{TESTING_SYSTEM}: {_points(imported)}"
        return found, "—", "—"
    members = sheet.jury_member_ids
    by_member = {m.jury_member_id: m.points for m in sheet.marks if m.task_number == task}
    cells: list[str] = []
    for member in members[:MARKERS_PER_WORK]:
        cells.append(f"{member}: {_points(by_member[member])}" if member in by_member else "—")
    cells += ["—"] * (MARKERS_PER_WORK - len(cells))
    third = [f"{m}: {_points(p)}" for m, p in by_member.items() if m not in members[:2]]
    return cells[0], cells[1], "; ".join(third) or "—"


def checking_protocol(
    key: SubjectGrade, works: Sequence[CheckedWork], olympiad_title: str | None = None
) -> Protocol:
    subject = find_subject(key.subject_code)
    name = subject.name if subject is not None else key.subject_code
    rows: list[tuple[str, ...]] = []
    annulled_lines: list[str] = []
    third_marked = 0
    for work in works:
        sheet = work.sheet
        code = sheet.work_code
        if work.annulment is not None:
            rows.append((code, "—", "—", "—", "—", "—", "—", "аннулирована"))
            annulled_lines.append(f"{code}: {work.annulment}")
            continue
        marked = sheet.final_scores() if work.status is WorkStatus.CHECKED else {}
        if len(sheet.jury_member_ids) > MARKERS_PER_WORK:
            third_marked += 1
        for task in sheet.scheme.tasks:
            first, second, third = _rounds(sheet, task.number)
            by_marks = marked.get(task.number)
            final = (work.final_scores or {}).get(task.number)
            changed = final is not None and by_marks is not None and final != by_marks
            rows.append(
                (
                    code,
                    str(task.number),
                    _points(task.max_points),
                    first,
                    second,
                    third,
                    "—" if by_marks is None else _points(by_marks),
                    (_points(final) + " (после апелляции или исправления)")
                    if changed and final is not None
                    else ("—" if final is None else _points(final)),
                )
            )
    checked = sum(1 for w in works if w.status is WorkStatus.CHECKED)
    annulled = sum(1 for w in works if w.annulment is not None)
    return Protocol(
        heading=(
            olympiad_title or "Муниципальный этап всероссийской олимпиады школьников",
            TITLE,
            f"Предмет: {name}, {key.grade} класс",
            "Работы указаны шифрами (п. 64): жюри не знает их авторов.",
        ),
        header=(
            "Шифр",
            "Задание",
            "Макс. балл",
            "1-я проверка",
            "2-я проверка",
            "3-я проверка",
            "Балл по проверке",
            "Итоговый балл",
        ),
        rows=tuple(rows),
        after=(
            f"Работ: {len(works)}; проверено: {checked}; аннулировано: {annulled};"
            f" с третьей проверкой: {third_marked}.",
            *(
                [
                    "Решения проверены автоматической тестирующей системой (п. 43, 67): баллы"
                    " внесены из файла её результатов."
                ]
                if any(work.sheet.checked_automatically for work in works)
                else []
            ),
            *(["Аннулированные работы:", *annulled_lines] if annulled_lines else []),
        ),
        signatures=(signature_line("Председатель жюри"), signature_line("Члены жюри")),
        wide=True,
        weights=(1.2, 0.8, 0.9, 1.4, 1.4, 1.6, 1.1, 2.0),
    )


RECHECK_TITLE = "Результаты перепроверки работ (п. 21; выборочная перепроверка муниципальным жюри)"


@dataclass(frozen=True)
class RecheckedWork:
    work_code: str
    origin: RecheckOrigin
    comparison: WorkComparison | None  # None: annulled since it was put up for re-checking


def recheck_report(
    key: SubjectGrade,
    works: Sequence[RecheckedWork],
    summary: RecheckSummary,
    samples: Sequence[RecheckSample],
) -> Protocol:
    """Each re-checked work by code, per task: the official score, the re-check, the difference;
    a difference beyond the threshold that would call a third member (§73) is marked."""
    subject = find_subject(key.subject_code)
    name = subject.name if subject is not None else key.subject_code
    rows: list[tuple[str, ...]] = []
    for work in works:
        if work.comparison is None:
            rows.append((work.work_code, work.origin.label, "—", "—", "—", "—", "аннулирована"))
            continue
        for task in work.comparison.tasks:
            difference = task.difference
            rows.append(
                (
                    work.work_code,
                    work.origin.label,
                    str(task.task_number),
                    _points(task.max_points),
                    _points(task.original),
                    "ожидает" if task.recheck is None else _points(task.recheck),
                    "—"
                    if difference is None
                    else (f"{difference:+}" if difference else "0")
                    + (" (значительное)" if task.significant else ""),
                )
            )
    mean = summary.mean_absolute_difference
    return Protocol(
        heading=(
            "Муниципальный этап всероссийской олимпиады школьников",
            RECHECK_TITLE,
            f"Предмет: {name}, {key.grade} класс",
            "Работы указаны шифрами; перепроверка не меняет итоговых баллов: пересмотр результатов"
            " по ней организатор проводит как исправление (п. 120).",
        ),
        header=(
            "Шифр",
            "Основание",
            "Задание",
            "Макс. балл",
            "Итоговый балл",
            "Перепроверка",
            "Разница",
        ),
        rows=tuple(rows),
        after=(
            f"Работ на перепроверке: {summary.works}; перепроверено: {summary.rechecked};"
            f" с другой суммой: {summary.differing}; со значительным расхождением: "
            f"{summary.significant}.",
            *(
                [f"Среднее абсолютное расхождение сумм: {_points(mean)}."]
                if mean is not None
                else []
            ),
            *(
                f"Выборка от {sample.drawn_at:%d.%m.%Y %H:%M} UTC ({sample.drawn_by}): зерно"
                f" «{sample.seed}», отобрано {sample.drawn} из {sample.eligible}."
                for sample in samples
            ),
        ),
        signatures=(signature_line("Председатель жюри"), signature_line("Организатор")),
        wide=True,
        weights=(1.2, 1.8, 0.8, 0.9, 1.1, 1.1, 1.4),
    )
