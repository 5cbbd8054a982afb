"""Who is admitted to the municipal stage in a subject (§10), as the organiser decides it:

- the school stage's participants of this year who scored at least the organiser's threshold for
  the subject and grade — the grade whose tasks the participant does (§11: a pupil who did a
  higher grade's tasks at the school stage keeps to that grade), which for most is their own;
- last year's winners and prize-winners of the municipal stage in the subject who are still at
  school, as the organiser's list of them says.

The organiser sets thresholds and the list per subject. Where a subject has neither, the import
keeps what the application states (as before the organiser entered them); once a subject has
thresholds, every row admitted by score must carry a score that reaches its grade's threshold,
and once it has a list, every row admitted as an awardee must be on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Final

from olymp_core.subjects import GRADES, subject
from olymp_registration.domain.errors import InvalidEligibilityRules
from olymp_registration.domain.importing.columns import Column
from olymp_registration.domain.importing.report import ImportedRow, ImportProblem, ProblemKind
from olymp_registration.domain.participant import (
    MAX_SCHOOL_STAGE_SCORE,
    EligibilityBasis,
    Participant,
    name_problem,
    school_problem,
)
from olymp_registration.domain.text import clean_text, comparison_key

MAX_AWARDEES: Final = 5000


class AwardStatus(StrEnum):
    WINNER = "winner"
    PRIZE_WINNER = "prize_winner"

    @property
    def label(self) -> str:
        return "победитель" if self is AwardStatus.WINNER else "призёр"


@dataclass(frozen=True)
class PreviousAwardee:
    """A winner or prize-winner of last year's municipal stage in a subject, as the list says:
    `grade` is the grade they were in then."""

    surname: str
    name: str
    patronymic: str
    grade: int
    school: str
    status: AwardStatus

    def __post_init__(self) -> None:
        for attribute in ("surname", "name", "patronymic", "school"):
            object.__setattr__(self, attribute, clean_text(getattr(self, attribute)))

    @property
    def name_key(self) -> tuple[str, str, str]:
        return _name_key(self.surname, self.name, self.patronymic)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.name, self.patronymic) if p)


def _name_key(surname: str, name: str, patronymic: str) -> tuple[str, str, str]:
    return (comparison_key(surname), comparison_key(name), comparison_key(patronymic))


@dataclass(frozen=True)
class EligibilityRules:
    """The organiser's thresholds (subject, grade) → minimum score, and last year's awardees
    by subject. Subjects absent from both are not checked."""

    thresholds: Mapping[tuple[str, int], Decimal] = field(default_factory=dict)
    awardees: Mapping[str, Sequence[PreviousAwardee]] = field(default_factory=dict)

    def has_thresholds(self, subject_code: str) -> bool:
        return any(code == subject_code for code, _ in self.thresholds)


def check_thresholds(subject_code: str, thresholds: Mapping[int, Decimal]) -> None:
    """Refuse thresholds outside the grades of the stage or the points a score can have."""
    name = subject(subject_code).name
    problems = []
    for grade, score in sorted(thresholds.items()):
        if grade not in GRADES:
            problems.append(
                f"Проходной балл по предмету «{name}» задан для {grade} класса: муниципальный этап "
                f"проводится для {GRADES[0]}–{GRADES[-1]} классов."
            )
        if not score.is_finite() or not Decimal(0) <= score <= MAX_SCHOOL_STAGE_SCORE:
            problems.append(
                f"Проходной балл {score} для {grade} класса по предмету «{name}»: укажите число "
                f"от 0 до {MAX_SCHOOL_STAGE_SCORE}."
            )
    if problems:
        raise InvalidEligibilityRules(problems)


def check_awardees(subject_code: str, awardees: Sequence[PreviousAwardee]) -> None:
    """Refuse a list with an unreadable line; every line's problems at once, by its number."""
    name = subject(subject_code).name
    problems = []
    if len(awardees) > MAX_AWARDEES:
        problems.append(f"В списке больше {MAX_AWARDEES} строк: проверьте, тот ли это список.")
    seen: dict[tuple[tuple[str, str, str], int], int] = {}
    for number, awardee in enumerate(awardees, start=1):
        where = f"Строка {number} списка победителей и призёров по предмету «{name}»"
        for value, what, required in (
            (awardee.surname, "Фамилия", True),
            (awardee.name, "Имя", True),
            (awardee.patronymic, "Отчество", False),
        ):
            if (problem := name_problem(value, what, required=required)) is not None:
                problems.append(f"{where}: {problem}")
        if awardee.grade not in GRADES:
            problems.append(
                f"{where}: класс {awardee.grade} — на муниципальном этапе прошлого года были "
                f"{GRADES[0]}–{GRADES[-1]} классы."
            )
        if awardee.school and (problem := school_problem(awardee.school)) is not None:
            problems.append(f"{where}: {problem}")
        first = seen.setdefault((awardee.name_key, awardee.grade), number)
        if first != number:
            problems.append(f"{where} повторяет строку {first}: оставьте одну.")
    if problems:
        raise InvalidEligibilityRules(problems)


def eligibility_problems(
    rows: Sequence[ImportedRow], rules: EligibilityRules
) -> list[ImportProblem]:
    """Rows the organiser's rules do not admit (§10), each with its row, column and remedy."""
    awardees_by_name: dict[str, dict[tuple[str, str, str], list[PreviousAwardee]]] = {}
    for code, listed in rules.awardees.items():
        by_name: dict[tuple[str, str, str], list[PreviousAwardee]] = {}
        for awardee in listed:
            by_name.setdefault(awardee.name_key, []).append(awardee)
        awardees_by_name[code] = by_name
    problems: list[ImportProblem] = []
    for row in rows:
        p = row.participant
        if p.eligibility is EligibilityBasis.SCHOOL_STAGE_SCORE:
            if rules.has_thresholds(p.subject_code):
                problem = _score_problem(row.row, p, rules.thresholds)
                if problem is not None:
                    problems.append(problem)
        elif p.subject_code in awardees_by_name:
            problem = _awardee_problem(row.row, p, awardees_by_name[p.subject_code])
            if problem is not None:
                problems.append(problem)
    return problems


_OTHER_BASIS: Final = (
    "Если участник — победитель или призёр муниципального этапа прошлого учебного года, укажите "
    f"основание «{EligibilityBasis.PREVIOUS_YEAR_AWARDEE.label}»."
)


def _score_problem(
    row: int, p: Participant, thresholds: Mapping[tuple[str, int], Decimal]
) -> ImportProblem | None:
    name = subject(p.subject_code).name
    grade = p.task_grade
    grade_text = f"{grade} класса" + (
        f" (участник выполняет задания {grade} класса, §11)" if grade != p.grade else ""
    )
    column = str(Column.SCHOOL_STAGE_SCORE)
    value = "" if p.school_stage_score is None else _points(p.school_stage_score)
    threshold = thresholds.get((p.subject_code, grade))
    if threshold is None:
        set_for = sorted(g for code, g in thresholds if code == p.subject_code)
        return ImportProblem(
            ProblemKind.NO_THRESHOLD,
            row,
            column,
            value,
            f"{p.full_name}: организатор не установил проходной балл школьного этапа для "
            f"{grade_text} по предмету «{name}» (установлен для классов: "
            f"{', '.join(map(str, set_for))}), и допустить участника по баллам нельзя (§10). "
            "Попросите организатора установить проходной балл или проверьте класс.",
        )
    if p.school_stage_score is None:
        return ImportProblem(
            ProblemKind.MISSING_VALUE,
            row,
            column,
            value,
            f"{p.full_name}: не указаны баллы школьного этапа. Участник допускается по баллам "
            f"школьного этапа (§10), проходной балл для {grade_text} по предмету «{name}» — "
            f"{_points(threshold)}: впишите баллы участника в столбец «{column}».",
        )
    if p.school_stage_score < threshold:
        return ImportProblem(
            ProblemKind.BELOW_THRESHOLD,
            row,
            column,
            value,
            f"{p.full_name}: баллов школьного этапа {_points(p.school_stage_score)}, это меньше "
            f"проходного балла {_points(threshold)}, установленного организатором для "
            f"{grade_text} по предмету «{name}» (§10): участник не допускается. {_OTHER_BASIS}",
        )
    return None


def _awardee_problem(
    row: int, p: Participant, listed: Mapping[tuple[str, str, str], list[PreviousAwardee]]
) -> ImportProblem | None:
    name = subject(p.subject_code).name
    found = listed.get(_name_key(p.surname, p.name, p.patronymic), [])
    if any(awardee.grade == p.grade - 1 for awardee in found):
        return None
    on_list = (
        "; в списке есть "
        + ", ".join(f"{a.full_name} ({a.status.label}, {a.grade} класс)" for a in found)
        + f", а участник сейчас в {p.grade} классе — в прошлом году он был в {p.grade - 1}"
        if found
        else ""
    )
    return ImportProblem(
        ProblemKind.NOT_AN_AWARDEE,
        row,
        str(Column.ELIGIBILITY),
        p.eligibility.label,
        f"{p.full_name} не найден(а) в списке победителей и призёров муниципального этапа "
        f"прошлого учебного года по предмету «{name}», который внёс организатор (§10){on_list}. "
        "Проверьте фамилию, имя, отчество и класс, или укажите основание «набрал(а) необходимое "
        "количество баллов на школьном этапе» и баллы школьного этапа.",
    )


def _points(value: Decimal) -> str:
    """«23», «23,5»: as officials write points."""
    text = format(value.normalize(), "f") if value else "0"
    return text.replace(".", ",")
