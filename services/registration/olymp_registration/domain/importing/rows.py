"""From a table of cells (CSV or XLSX alike) to participants and problems.

One row is one participant in one subject: the application (заявка) municipalities send per
subject. A title above the header row («Заявка на участие в муниципальном этапе…») is skipped,
blank rows are skipped, and every broken cell is reported with the row number the official sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from olymp_registration.domain.importing.budget import UNLIMITED, ParseBudget
from olymp_registration.domain.importing.columns import (
    FULL_NAME_HEADERS,
    REQUIRED_COLUMNS,
    Column,
    recognise,
)
from olymp_registration.domain.importing.fields import (
    Cell,
    cell_text,
    read_birth_date,
    read_consent,
    read_education_form,
    read_eligibility,
    read_grade,
    read_score,
    read_subject,
    read_task_grade,
)
from olymp_registration.domain.importing.report import (
    ImportedRow,
    ImportProblem,
    ImportReport,
    ProblemKind,
)
from olymp_registration.domain.participant import (
    EducationForm,
    Participant,
    education_form_of_school,
    name_problem,
    school_problem,
    special_conditions_problem,
)
from olymp_registration.domain.text import comparison_key

NumberedRow = tuple[int, Sequence[Cell]]

HEADER_SEARCH_ROWS: Final = 10
MAX_ROWS: Final = 20_000


@dataclass(frozen=True)
class Header:
    row: int
    positions: dict[Column, int]


def header_score(cells: Sequence[Cell]) -> int:
    """How many distinct columns a row names; the CSV reader picks the delimiter by it."""
    return len({c for c in (recognise(cell_text(cell)) for cell in cells) if c is not None})


def read_table(
    rows: Iterable[NumberedRow], *, max_rows: int = MAX_ROWS, budget: ParseBudget = UNLIMITED
) -> ImportReport:
    """Participants and problems from numbered rows of cells, the header row among the first.

    The budget is checked before every row, blank ones included; past it ImportTooSlow is raised.
    """
    numbered = iter(budget.each(rows))
    header, problems = _find_header(numbered)
    if header is None or problems:
        return ImportReport(rows=(), errors=tuple(problems))
    parsed: list[ImportedRow] = []
    seen: dict[tuple[object, ...], int] = {}
    count = 0
    for number, cells in numbered:
        if not any(cell_text(c) for c in cells):
            continue
        count += 1
        if count > max_rows:
            problems.append(
                ImportProblem(
                    ProblemKind.TOO_MANY_ROWS,
                    number,
                    None,
                    "",
                    f"В файле больше {max_rows} строк с участниками: разделите его на несколько "
                    "файлов, например по предметам.",
                )
            )
            break
        participant, row_problems = _parse_row(number, cells, header.positions)
        venue = _cell(cells, header.positions, Column.VENUE)
        problems.extend(row_problems)
        if participant is None:
            continue
        first = seen.setdefault(participant.duplicate_key, number)
        if first != number:
            problems.append(
                ImportProblem(
                    ProblemKind.DUPLICATE_ROW,
                    number,
                    None,
                    participant.full_name,
                    f"Строка повторяет строку {first}: тот же участник, класс, образовательная "
                    "организация и предмет. Удалите одну из строк.",
                )
            )
            continue
        parsed.append(ImportedRow(number, participant, venue))
    if count == 0:
        problems.append(
            ImportProblem(
                ProblemKind.NO_ROWS,
                None,
                None,
                "",
                "В файле нет ни одной строки с участниками: заполните строки под заголовками.",
            )
        )
    return ImportReport(rows=tuple(parsed), errors=tuple(problems))


def _find_header(rows: Iterator[NumberedRow]) -> tuple[Header | None, list[ImportProblem]]:
    looked_at = 0
    for number, cells in rows:
        texts = [cell_text(c) for c in cells]
        if not any(texts):
            continue
        looked_at += 1
        columns = [recognise(t) for t in texts]
        full_name = any(comparison_key(t) in FULL_NAME_HEADERS for t in texts)
        if full_name and Column.SURNAME not in columns:
            return None, [
                ImportProblem(
                    ProblemKind.MISSING_COLUMN,
                    number,
                    "ФИО",
                    "",
                    "Фамилия, имя и отчество записаны в одном столбце «ФИО»: разделите его на "
                    "три столбца «Фамилия», «Имя», «Отчество».",
                )
            ]
        if Column.SURNAME in columns or len({c for c in columns if c is not None}) >= 2:
            return _header(number, texts, columns)
        if looked_at >= HEADER_SEARCH_ROWS:
            break
    if looked_at == 0:
        return None, [
            ImportProblem(
                ProblemKind.EMPTY_FILE,
                None,
                None,
                "",
                "Файл пуст: заполните таблицу участников под строкой заголовков.",
            )
        ]
    expected = "», «".join(REQUIRED_COLUMNS)
    return None, [
        ImportProblem(
            ProblemKind.NO_HEADER,
            None,
            None,
            "",
            f"Не найдена строка заголовков. Первая строка таблицы должна содержать названия "
            f"столбцов: «{expected}» (а также, при необходимости, «{Column.TASK_GRADE}» и "
            f"«{Column.SPECIAL_CONDITIONS}»).",
        )
    ]


def _header(
    number: int, texts: list[str], columns: list[Column | None]
) -> tuple[Header | None, list[ImportProblem]]:
    problems: list[ImportProblem] = []
    positions: dict[Column, int] = {}
    for index, column in enumerate(columns):
        if column is None:
            continue
        if column in positions:
            problems.append(
                ImportProblem(
                    ProblemKind.DUPLICATE_COLUMN,
                    number,
                    column.value,
                    texts[index],
                    f"Столбец «{column}» встречается в заголовке дважды: оставьте один.",
                )
            )
            continue
        positions[column] = index
    for column in REQUIRED_COLUMNS:
        if column not in positions:
            problems.append(
                ImportProblem(
                    ProblemKind.MISSING_COLUMN,
                    number,
                    column.value,
                    "",
                    f"В файле нет столбца «{column}»: добавьте столбец с таким заголовком.",
                )
            )
    return Header(number, positions), problems


def _cell(cells: Sequence[Cell], positions: dict[Column, int], column: Column) -> str:
    index = positions.get(column)
    return cell_text(cells[index]) if index is not None and index < len(cells) else ""


def _parse_row(
    number: int, cells: Sequence[Cell], positions: dict[Column, int]
) -> tuple[Participant | None, list[ImportProblem]]:
    def text(column: Column) -> str:
        return _cell(cells, positions, column)

    problems: list[ImportProblem] = []

    def report(kind: ProblemKind, column: Column, message: str) -> None:
        problems.append(ImportProblem(kind, number, column.value, text(column), message))

    for column, what, required in (
        (Column.SURNAME, "Фамилия", True),
        (Column.NAME, "Имя", True),
        (Column.PATRONYMIC, "Отчество", False),
    ):
        problem = name_problem(text(column), what, required=required)
        if problem is not None:
            kind = ProblemKind.BAD_NAME if text(column) else ProblemKind.MISSING_VALUE
            report(kind, column, problem)

    grade = read_grade(text(Column.GRADE), report)
    task_grade = read_task_grade(text(Column.TASK_GRADE), grade, report)

    school = text(Column.SCHOOL)
    # §9: a pupil in family education or self-education may have no school to name
    form = read_education_form(text(Column.EDUCATION_FORM), report) or education_form_of_school(
        school
    )
    if form is not EducationForm.SCHOOL and education_form_of_school(school) is form:
        school = ""  # the cell named the form, not a school: stored in its canonical words
    if (form is EducationForm.SCHOOL or school) and (problem := school_problem(school)):
        if not school:
            problem += (
                f" Если участник учится вне школы (§9), впишите «{EducationForm.FAMILY.label}» "
                f"или «{EducationForm.SELF.label}»."
            )
        report(
            ProblemKind.TOO_LONG if school else ProblemKind.MISSING_VALUE, Column.SCHOOL, problem
        )
    score = read_score(text(Column.SCHOOL_STAGE_SCORE), report)
    birth_index = positions.get(Column.BIRTH_DATE)
    birth_cell = (
        cells[birth_index] if birth_index is not None and birth_index < len(cells) else None
    )
    birth_date = read_birth_date(birth_cell, report)

    subject_code = read_subject(text(Column.SUBJECT), report)
    eligibility = read_eligibility(text(Column.ELIGIBILITY), report)
    consent = read_consent(text(Column.CONSENT), report)

    special = text(Column.SPECIAL_CONDITIONS)
    if (problem := special_conditions_problem(special)) is not None:
        report(ProblemKind.TOO_LONG, Column.SPECIAL_CONDITIONS, problem)

    if problems:
        return None, problems
    assert grade is not None and task_grade is not None and subject_code is not None
    assert eligibility is not None and consent is not None
    participant = Participant(
        surname=text(Column.SURNAME),
        name=text(Column.NAME),
        patronymic=text(Column.PATRONYMIC),
        grade=grade,
        task_grade=task_grade,
        school=school,
        subject_code=subject_code,
        eligibility=eligibility,
        consent_to_publish=consent,
        special_conditions=special,
        school_stage_score=score,
        education_form=form,
        birth_date=birth_date,
    )
    return participant, []
