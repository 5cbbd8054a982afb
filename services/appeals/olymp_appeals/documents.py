"""The appeal protocol (Приложение № 9, §115): one decided appeal as the commission signs it.

The seeds leave the form to the organiser (§115); this one records what §101–114 ask of a
hearing: the participant, the tasks named in the statement (§105), how the hearing went (§101,
§109–110), the points before and after per task and in total, every motion with its votes, the
majority of the listed members (§106), the chair's casting vote when it decided (§107), the
decision in §112's words, and that it is final (§114). Laid out by `olymp_core.protocol_documents`,
as every protocol of the suite, PDF and XLSX.
"""

from __future__ import annotations

from decimal import Decimal

from olymp_appeals.domain import AppealDecision, Attendance, Commission, Resolution
from olymp_appeals.store import AppealRow, Person
from olymp_core.clock import to_local
from olymp_core.protocol_documents import Protocol, signature_line
from olymp_core.subjects import UnknownSubject, subject

TITLE = "Протокол рассмотрения апелляции (Приложение № 9)"


def _points(value: Decimal) -> str:
    number = value.normalize()
    text = f"{number:f}" if number != number.to_integral() else str(int(number))
    return text.replace(".", ",")


def _subject_name(code: str) -> str:
    try:
        return subject(code).name
    except UnknownSubject:
        return code


def _hearing(row: AppealRow, attendance: Attendance | None) -> str:
    if attendance is Attendance.PRESENT:
        return "Апелляция рассмотрена в присутствии участника (п. 101)."
    if row.review_without_participant:
        return "Апелляция рассмотрена без участия участника по его заявлению (п. 101)."
    if attendance is Attendance.ABSENT_WITH_DOCUMENTED_REASON:
        return (
            "Участник не явился по уважительной причине, подтверждённой документально; апелляция "
            "рассмотрена по существу без его участия (п. 109)."
        )
    return "Участник не явился без уважительной причины: апелляция не рассматривалась (п. 110)."


def appeal_protocol(
    *,
    olympiad_title: str,
    time_zone: str,
    row: AppealRow,
    person: Person | None,
    task_max: dict[int, Decimal],
    decision: AppealDecision,
    commission: Commission,
) -> Protocol:
    decided_at = row.decided_at or row.filed_at
    local = to_local(decided_at, time_zone)
    who = (
        f"Участник: {person.full_name}, {person.school}, {person.grade} класс."
        if person is not None
        else f"Участник: {row.participant_id} (сведения регистрации не получены)."
    )
    heading = (
        olympiad_title or "Муниципальный этап всероссийской олимпиады школьников",
        TITLE,
        f"Предмет: {_subject_name(row.subject_code).capitalize()}, {row.grade} класс. "
        f"Дата: {local:%d.%m.%Y}, время {local:%H:%M} ({time_zone}).",
        who,
        f"Заявление подано {to_local(row.filed_at, time_zone):%d.%m.%Y в %H:%M}; задания, "
        f"указанные в заявлении (п. 105): {', '.join(str(n) for n in row.task_numbers)}.",
        _hearing(row, Attendance(row.attendance) if row.attendance else None),
    )
    before = dict(decision.scores_before)
    after = dict(decision.scores_after)

    def change(old: Decimal, new: Decimal) -> str:
        if new == old:
            return "—"
        return ("+" if new > old else "") + _points(new - old)

    rows = [
        (
            f"{number}{' *' if number in row.task_numbers else ''}",
            _points(task_max.get(number, Decimal(0))),
            _points(before[number]),
            _points(after[number]),
            change(before[number], after[number]),
        )
        for number in sorted(before)
    ]
    rows.append(
        (
            "Итого",
            _points(sum(task_max.values(), Decimal(0))),
            _points(decision.total_before),
            _points(decision.total_after),
            change(decision.total_before, decision.total_after),
        )
    )
    lines = ["* — задания, рассмотренные комиссией."]
    tally = decision.tally
    if tally is not None:
        lines.append(
            f"Списочный состав комиссии: {tally.listed} чел.; решение принимается большинством "
            f"не менее {tally.majority} голосов (п. 106)."
        )
        for motion, votes in tally.counts:
            changes = ", ".join(f"задание {n}: {_points(score)}" for n, score in motion.new_scores)
            lines.append(
                f"Предложение «{motion.outcome.value}»{f' ({changes})' if changes else ''}: "
                f"голосов — {votes}."
            )
        if tally.by_casting_vote:
            lines.append(
                "При равенстве голосов решающим стал голос председателя комиссии (п. 107)."
            )
    if decision.resolution is Resolution.DECIDED and decision.outcome is not None:
        lines.append(f"Решение апелляционной комиссии: {decision.outcome.value} (п. 112).")
    elif decision.resolution is Resolution.NOT_REVIEWED:
        lines.append("Решение: апелляция не рассматривалась по существу (п. 110).")
    lines.append(
        f"Итого баллов: до апелляции {_points(decision.total_before)}, после апелляции "
        f"{_points(decision.total_after)}."
    )
    lines.append("Решение апелляционной комиссии является окончательным (п. 114).")
    signatures = (
        signature_line(f"Председатель апелляционной комиссии ({commission.chair})"),
        *(
            signature_line(f"Член апелляционной комиссии ({member})")
            for member in commission.members
            if member != commission.chair
        ),
    )
    return Protocol(
        heading=heading,
        header=(
            "Задание",
            "Максимальный балл",
            "Баллы до апелляции",
            "Баллы после апелляции",
            "Изменение",
        ),
        rows=tuple(rows),
        after=tuple(lines),
        signatures=signatures,
        wide=False,
    )
