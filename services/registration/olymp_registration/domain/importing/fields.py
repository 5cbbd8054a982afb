"""Reading one cell of the application: what officials type for a grade, a subject, a consent.

Each `read_*` returns the value, or None after reporting what is wrong through `report`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Final

from olymp_core.subjects import GRADES, SUBJECTS, find_subject
from olymp_registration.domain.importing.columns import Column
from olymp_registration.domain.importing.report import ProblemKind
from olymp_registration.domain.participant import (
    MAX_SCHOOL_STAGE_SCORE,
    EducationForm,
    EligibilityBasis,
    grade_problem,
    parse_education_form,
    parse_eligibility,
    parse_score,
    task_grade_problem,
)
from olymp_registration.domain.text import clean_text, comparison_key

Cell = str | int | float | bool | dt.datetime | dt.date | dt.time | None
Report = Callable[[ProblemKind, Column, str], None]

_GRADE: Final = re.compile(r"(\d{1,2})(?:\s*-?\s*[а-я])?(?:\s*(?:класс|кл\.?))?")
_YES: Final = frozenset({"да", "д", "+", "1", "yes", "y", "true", "истина", "согласен", "согласна"})
_NO: Final = frozenset(
    {"нет", "н", "-", "–", "—", "0", "no", "n", "false", "ложь", "не согласен", "не согласна"}
)
_SUBJECT_SEPARATORS: Final = re.compile(r"[,;/+]")


def cell_text(cell: Cell) -> str:
    """A cell as the official typed it: Excel numbers without «.0», booleans as «да»/«нет»."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "да" if cell else "нет"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return clean_text(str(cell))


def parse_grade(text: str) -> int | None:
    """«9», «9Б», «9-б», «9 класс», «9 кл.» → 9; anything else → None."""
    match = _GRADE.fullmatch(comparison_key(text))
    return None if match is None else int(match.group(1))


def parse_consent(text: str) -> bool | None:
    key = comparison_key(text)
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def read_grade(value: str, report: Report) -> int | None:
    column = Column.GRADE
    if not value:
        report(
            ProblemKind.MISSING_VALUE,
            column,
            f"Не указан класс: впишите число от {GRADES[0]} до {GRADES[-1]}.",
        )
        return None
    grade = parse_grade(value)
    if grade is None:
        report(
            ProblemKind.BAD_GRADE,
            column,
            f"Класс «{value}» не распознан: впишите число от {GRADES[0]} до {GRADES[-1]}.",
        )
        return None
    if (problem := grade_problem(grade)) is not None:
        report(ProblemKind.BAD_GRADE, column, problem)
        return None
    return grade


def read_task_grade(value: str, grade: int | None, report: Report) -> int | None:
    if not value:
        return grade  # tasks of the participant's own grade, the usual case (§11)
    task_grade = parse_grade(value)
    if task_grade is None:
        report(
            ProblemKind.BAD_TASK_GRADE,
            Column.TASK_GRADE,
            f"Класс выполнения заданий «{value}» не распознан: впишите число от {GRADES[0]} "
            f"до {GRADES[-1]} или оставьте ячейку пустой, если участник выполняет задания "
            "своего класса.",
        )
        return None
    problem = task_grade_problem(grade if grade is not None else GRADES[0], task_grade)
    if problem is not None:
        kind = (
            ProblemKind.BAD_TASK_GRADE
            if task_grade not in GRADES
            else ProblemKind.TASK_GRADE_BELOW_GRADE
        )
        report(kind, Column.TASK_GRADE, problem)
        return None
    return task_grade


def read_subject(value: str, report: Report) -> str | None:
    if not value:
        report(
            ProblemKind.MISSING_VALUE,
            Column.SUBJECT,
            "Не указан предмет: впишите его название, например «математика».",
        )
        return None
    found = find_subject(value)
    if found is not None:
        return found.code
    hint = (
        "В одной строке указывается один предмет: для каждого предмета заполните отдельную строку. "
        if any(find_subject(part) for part in _SUBJECT_SEPARATORS.split(value))
        else ""
    )
    names = ", ".join(s.name for s in SUBJECTS)
    report(
        ProblemKind.UNKNOWN_SUBJECT,
        Column.SUBJECT,
        f"Предмет «{value}» не распознан. {hint}Впишите один из предметов олимпиады: {names}.",
    )
    return None


def read_eligibility(value: str, report: Report) -> EligibilityBasis | None:
    choices = " или ".join(f"«{basis.label}»" for basis in EligibilityBasis)
    if not value:
        report(
            ProblemKind.MISSING_VALUE,
            Column.ELIGIBILITY,
            f"Не указано основание участия: впишите {choices}.",
        )
        return None
    basis = parse_eligibility(value)
    if basis is None:
        report(
            ProblemKind.UNKNOWN_ELIGIBILITY,
            Column.ELIGIBILITY,
            f"Основание участия «{value}» не распознано: впишите {choices}.",
        )
    return basis


def read_consent(value: str, report: Report) -> bool | None:
    if not value:
        report(
            ProblemKind.MISSING_VALUE,
            Column.CONSENT,
            "Не указано согласие на публикацию результатов: впишите «да» или «нет» "
            "(по заявлению родителей или совершеннолетнего участника).",
        )
        return None
    consent = parse_consent(value)
    if consent is None:
        report(
            ProblemKind.BAD_CONSENT,
            Column.CONSENT,
            f"Согласие на публикацию «{value}» не распознано: впишите «да» или «нет» "
            "(допускаются также «+» и «-»).",
        )
    return consent


def read_score(value: str, report: Report) -> Decimal | None:
    """The school-stage score (§10), when the cell is filled."""
    if not value:
        return None
    score = parse_score(value)
    if score is None:
        report(
            ProblemKind.BAD_SCORE,
            Column.SCHOOL_STAGE_SCORE,
            f"Баллы школьного этапа «{value}» не распознаны: впишите число баллов от 0 до "
            f"{MAX_SCHOOL_STAGE_SCORE}, например «23» или «23,5».",
        )
    return score


def read_education_form(value: str, report: Report) -> EducationForm | None:
    """The form of education (§9); an empty cell says nothing (None, no problem)."""
    if not value:
        return None
    form = parse_education_form(value)
    if form is None:
        choices = ", ".join(f"«{f.label}»" for f in EducationForm)
        report(
            ProblemKind.BAD_EDUCATION_FORM,
            Column.EDUCATION_FORM,
            f"Форма обучения «{value}» не распознана: впишите {choices} или оставьте ячейку "
            "пустой, если участник учится в образовательной организации.",
        )
    return form


_DOTTED_DATE: Final = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")
_ISO_DATE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def read_birth_date(cell: Cell, report: Report) -> dt.date | None:
    """The date of birth: an Excel date, «14.03.2012», «14/03/2012» or «2012-03-14»; empty is
    allowed (the column is optional and older applications have no such column)."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = cell_text(cell)
    if not text:
        return None
    found: dt.date | None = None
    dotted, iso = _DOTTED_DATE.fullmatch(text), _ISO_DATE.fullmatch(text)
    try:
        if dotted:
            found = dt.date(int(dotted[3]), int(dotted[2]), int(dotted[1]))
        elif iso:
            found = dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
    except ValueError:  # «31.02.2012»
        found = None
    if found is None:
        report(
            ProblemKind.BAD_BIRTH_DATE,
            Column.BIRTH_DATE,
            f"Дата рождения «{text}» не распознана: впишите её в виде ДД.ММ.ГГГГ, например "
            "«14.03.2012», или оставьте ячейку пустой.",
        )
    return found
