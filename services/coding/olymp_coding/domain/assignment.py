"""Assigning codes to the works of one subject round, right before checking (§60).

Only participants who sat the round get a code: an absent participant has no work, and a removed
participant's work is annulled (§53), so it is never checked. Informatics (checked by the automatic
testing system) and the oral rounds of German and French are not coded (§60): their works carry the
registration ID instead, and the caller says so with `coded=False`.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass
from enum import StrEnum

from olymp_coding.domain.codes import RandomSource, generate_code, normalise_prefix
from olymp_coding.domain.errors import CodingError


class Attendance(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    REMOVED = "removed"

    @property
    def label(self) -> str:
        return _ATTENDANCE_LABELS[self]


_ATTENDANCE_LABELS = {
    Attendance.PRESENT: "явился",
    Attendance.ABSENT: "не явился",
    Attendance.REMOVED: "удалён из аудитории",
}


@dataclass(frozen=True)
class WorkToCode:
    """One participant's work in a subject round; `grade` is the параллель whose tasks were done."""

    work_id: str
    registration_id: str
    subject: str
    grade: int
    attendance: Attendance


@dataclass(frozen=True)
class CodeAssignment:
    """A row of the sealed code↔participant table; `work_code` is the registration ID if uncoded."""

    work_id: str
    registration_id: str
    subject: str
    grade: int
    work_code: str
    coded: bool


def assign_codes(
    works: Iterable[WorkToCode],
    rng: RandomSource,
    existing: Set[str],
    *,
    coded: bool,
    prefix: str = "",
) -> tuple[CodeAssignment, ...]:
    """One code per present participant's work of one subject, unique against `existing`.

    `existing` holds every code already issued in the olympiad; it is not modified.
    """
    present = [work for work in works if work.attendance is Attendance.PRESENT]
    _refuse_mixed_subjects(present)
    _refuse_duplicates(present)
    if coded:
        # Fail on a bad prefix even when nobody is present, so a misconfiguration shows at once.
        normalise_prefix(prefix)
    issued = set(existing)
    assignments = []
    for work in present:
        work_code = generate_code(rng, issued, prefix) if coded else work.registration_id
        issued.add(work_code)
        assignments.append(
            CodeAssignment(
                work_id=work.work_id,
                registration_id=work.registration_id,
                subject=work.subject,
                grade=work.grade,
                work_code=work_code,
                coded=coded,
            )
        )
    return tuple(assignments)


def _refuse_mixed_subjects(works: list[WorkToCode]) -> None:
    subjects = sorted({work.subject for work in works})
    if len(subjects) > 1:
        raise CodingError(
            "Кодирование проводится по одному предмету за раз (п. 60), а в списке предметы: "
            + ", ".join(subjects)
            + ". Разделите работы по предметам."
        )


def _refuse_duplicates(works: list[WorkToCode]) -> None:
    seen_works: set[str] = set()
    seen_participants: set[str] = set()
    for work in works:
        if work.work_id in seen_works:
            raise CodingError(
                f"Работа {work.work_id} указана в списке дважды: уберите повтор и повторите."
            )
        if work.registration_id in seen_participants:
            raise CodingError(
                f"У участника с регистрационным номером {work.registration_id} две работы по "
                "одному предмету: по предмету шифруется одна работа участника. Уберите лишнюю."
            )
        seen_works.add(work.work_id)
        seen_participants.add(work.registration_id)
