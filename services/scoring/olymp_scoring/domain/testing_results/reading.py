"""The rows of a results file as each participant's points per task, checked against the criteria.

The header row names the columns:
- the participant: «Регистрационный номер» (also «Рег. номер», «Номер участника», «ID») or «Логин»
  (the testing system's login, which must be the participant's registration number);
- one column per task: its number («1», «Задача 1», «Задание 1», «Task 1», «№ 1») or the letter the
  testing system gives it («A», «B», …; A is task 1), optionally followed by a dot and the task's
  title («A. Сумма цифр»);
- optionally the total («Сумма», «Итого», «Total»): then it must equal the sum of the tasks, which
  catches a file cut or shifted on its way from the system;
- any other column (name, school, place, penalty) is ignored and named in the answer.

A blank cell, «-» or «—» is 0 points: testing systems leave a task blank when nothing was sent.
Points may be written with a comma («75,5»). Each must lie in 0..the task's maximum and on the
criteria's step.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Final

from olymp_scoring.domain.marking_scheme import MarkingScheme, is_multiple_of, plain
from olymp_scoring.domain.testing_results.problems import Column, Problem, column_letter, shown
from olymp_scoring.domain.testing_results.table import HEADER_SEARCH_ROWS, Cell, NumberedRow

_PARTICIPANT_HEADERS: Final = frozenset(
    {
        "регистрационный номер",
        "рег номер",
        "регномер",
        "номер участника",
        "id участника",
        "идентификатор",
        "идентификатор участника",
        "id",
        "логин",
        "логин участника",
        "login",
        "registration number",
        "registration id",
        "participant id",
    }
)
_TOTAL_HEADERS: Final = frozenset(
    {"сумма", "итого", "итог", "всего", "сумма баллов", "общий балл", "итоговый балл", "total"}
)
_BLANK_POINTS: Final = frozenset({"", "-", "—", "–"})
_TASK_NUMBER: Final = re.compile(
    r"(?:задача|задание|task|problem)?\s*№?\s*(\d{1,3})(?:\s*[.):].*)?"
)
_TASK_LETTER: Final = re.compile(r"(?:задача|задание|task|problem)?\s*([a-z])(?:\s*[.):].*)?")


def _key(header: str) -> str:
    """A header as compared: case, «ё», punctuation and spacing do not matter."""
    text = header.replace("ё", "е").replace("Ё", "Е").casefold()
    return " ".join(re.sub(r"[^\w\s]|_", " ", text).split())


def task_number(header: str) -> int | None:
    """The task a header names, or None for a header that names no task."""
    text = " ".join(header.replace("ё", "е").casefold().split())
    found = _TASK_NUMBER.fullmatch(text)
    if found:
        return int(found.group(1))
    found = _TASK_LETTER.fullmatch(text)
    if found:
        return ord(found.group(1)) - ord("a") + 1
    return None


def registration_number(text: str) -> str:
    """A registration number as scoring knows it: a UUID in its canonical form, else as typed."""
    text = text.strip()
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return text


def is_header(cells: Sequence[Cell]) -> bool:
    return any(isinstance(c, str) and _key(c) in _PARTICIPANT_HEADERS for c in cells)


@dataclass(frozen=True)
class ResultRow:
    line: int
    column: Column  # the participant's column, for problems found later
    as_typed: str
    registration_number: str
    points: dict[int, Decimal]


@dataclass(frozen=True)
class ResultsFile:
    """What the file says, row by row; `problems` lists every cell or row that is wrong."""

    rows: tuple[ResultRow, ...]
    problems: tuple[Problem, ...]
    ignored_columns: tuple[str, ...] = field(default=())
    # every participant a row names, its points valid or not: a row with a wrong cell is that cell's
    # problem, not a participant missing from the file
    named: frozenset[str] = field(default=frozenset())


@dataclass(frozen=True)
class _Layout:
    header_line: int
    participant: tuple[int, Column]
    tasks: dict[int, tuple[int, Column]]  # task number -> (index, column)
    total: tuple[int, Column] | None
    ignored: tuple[str, ...]


def read_results(rows: Sequence[NumberedRow], scheme: MarkingScheme) -> ResultsFile:
    """Every valid row and every problem of the file, against the criteria of its grade."""
    header = next((row for row in rows[:HEADER_SEARCH_ROWS] if is_header(row[1])), None)
    if header is None:
        return ResultsFile(
            (),
            (
                Problem(
                    None,
                    None,
                    "",
                    "В первых строках файла нет заголовка со столбцом «Регистрационный номер» "
                    "(или «Логин»): добавьте строку заголовков — номер участника и по столбцу "
                    "на каждое задание («1», «2», … или «A», «B», …).",
                ),
            ),
        )
    layout, problems = _layout(header, scheme)
    if layout is None:
        return ResultsFile((), tuple(problems))
    read: list[ResultRow] = []
    seen: dict[str, int] = {}
    named: set[str] = set()
    for line, cells in rows:
        if line <= layout.header_line:
            continue
        as_typed = _text(cells, layout.participant[0])
        if as_typed:
            named.add(registration_number(as_typed))
        row, row_problems = _row(line, cells, layout, scheme)
        problems.extend(row_problems)
        if row is None:
            continue
        earlier = seen.get(row.registration_number)
        if earlier is not None:
            problems.append(
                Problem(
                    line,
                    layout.participant[1],
                    shown(row.as_typed),
                    f"участник «{row.as_typed}» уже указан в строке {earlier}: у каждого участника "
                    "одна строка результатов. Удалите повтор.",
                )
            )
            continue
        seen[row.registration_number] = line
        read.append(row)
    if not read and not problems:
        problems.append(
            Problem(
                None,
                None,
                "",
                "Под заголовком нет ни одной строки с результатами: выгрузите из тестирующей "
                "системы таблицу результатов участников.",
            )
        )
    return ResultsFile(tuple(read), tuple(problems), layout.ignored, frozenset(named))


def _layout(header: NumberedRow, scheme: MarkingScheme) -> tuple[_Layout | None, list[Problem]]:
    line, cells = header
    problems: list[Problem] = []
    participant: tuple[int, Column] | None = None
    total: tuple[int, Column] | None = None
    tasks: dict[int, tuple[int, Column]] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        column = Column(column_letter(index), text)
        key = _key(text)
        number = task_number(text)
        if key in _PARTICIPANT_HEADERS:
            if participant is not None:
                problems.append(
                    Problem(
                        line,
                        column,
                        text,
                        f"участник уже определяется по столбцу {participant[1].letter}: "
                        "оставьте один столбец с регистрационным номером (логином).",
                    )
                )
                continue
            participant = (index, column)
        elif key in _TOTAL_HEADERS:
            total = (index, column)
        elif number is not None:
            if number not in scheme.task_numbers:
                problems.append(
                    Problem(
                        line,
                        column,
                        text,
                        f"задания {number} нет в критериях оценивания этого класса (задания: "
                        + ", ".join(map(str, scheme.task_numbers))
                        + "). Проверьте, что файл выгружен для этого класса, или попросите "
                        "председателя жюри исправить критерии.",
                    )
                )
            elif number in tasks:
                problems.append(
                    Problem(
                        line,
                        column,
                        text,
                        f"задание {number} уже указано в столбце {tasks[number][1].letter}: "
                        "оставьте один столбец на задание.",
                    )
                )
            else:
                tasks[number] = (index, column)
        else:
            ignored.append(text)
    missing = [n for n in scheme.task_numbers if n not in tasks]
    if missing:
        problems.append(
            Problem(
                line,
                None,
                "",
                "нет столбцов заданий "
                + ", ".join(map(str, missing))
                + ": по критериям оценивания в этом классе задания "
                + ", ".join(map(str, scheme.task_numbers))
                + ". Назовите столбцы номерами заданий («1», «2», …) или буквами («A», «B», …).",
            )
        )
    if participant is None or problems:
        return None, problems
    return _Layout(line, participant, tasks, total, tuple(ignored)), problems


def _text(cells: Sequence[Cell], index: int) -> str:
    if index >= len(cells) or cells[index] is None:
        return ""
    value = cells[index]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a numeric login read from a workbook: 1024.0 is «1024»
    return str(value).strip()


def _row(
    line: int, cells: Sequence[Cell], layout: _Layout, scheme: MarkingScheme
) -> tuple[ResultRow | None, list[Problem]]:
    index, column = layout.participant
    as_typed = _text(cells, index)
    problems: list[Problem] = []
    if not as_typed:
        return None, [
            Problem(
                line,
                column,
                "",
                "не указан регистрационный номер участника: впишите его или удалите строку.",
            )
        ]
    points: dict[int, Decimal] = {}
    for number, (task_index, task_column) in sorted(layout.tasks.items()):
        cell = cells[task_index] if task_index < len(cells) else None
        value, what = _points(cell, number, scheme)
        if what is not None:
            problems.append(Problem(line, task_column, shown(cell), what))
        elif value is not None:
            points[number] = value
    if layout.total is not None and not problems:
        total_index, total_column = layout.total
        cell = cells[total_index] if total_index < len(cells) else None
        if not (cell is None or (isinstance(cell, str) and cell.strip() in _BLANK_POINTS)):
            stated = _number(cell)
            counted = sum(points.values(), Decimal(0))
            if stated is None:
                problems.append(
                    Problem(
                        line,
                        total_column,
                        shown(cell),
                        f"«{shown(cell)}» — не число: сумма баллов должна быть числом.",
                    )
                )
            elif stated != counted:
                problems.append(
                    Problem(
                        line,
                        total_column,
                        shown(cell),
                        f"сумма в файле {plain(stated)}, а сумма баллов за задания "
                        f"{plain(counted)}: файл выгружен с ошибкой или столбцы сдвинуты. "
                        "Выгрузите результаты из тестирующей системы заново.",
                    )
                )
    if problems:
        return None, problems
    return ResultRow(line, column, as_typed, registration_number(as_typed), points), []


def _number(cell: Cell) -> Decimal | None:
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        return Decimal(repr(cell)) if math.isfinite(cell) else None
    if not isinstance(cell, str):
        return None  # a date or a time: a cell formatted as one
    text = cell.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _points(cell: Cell, number: int, scheme: MarkingScheme) -> tuple[Decimal | None, str | None]:
    """The points of task `number` in `cell`, or what is wrong with them."""
    if cell is None or (isinstance(cell, str) and cell.strip() in _BLANK_POINTS):
        return Decimal(0), None
    value = _number(cell)
    maximum = scheme.task(number).max_points
    if value is None:
        return None, (
            f"«{shown(cell)}» — не число: укажите баллы за задание {number} числом "
            "(например, 75 или 75,5)."
        )
    if value < 0:
        return None, (
            f"баллы за задание {number} не могут быть отрицательными ({plain(value)}): "
            "проверьте выгрузку тестирующей системы."
        )
    if value > maximum:
        return None, (
            f"{plain(value)} баллов за задание {number} — больше максимума этого задания "
            f"({plain(maximum)}) по критериям оценивания. Проверьте, что файл выгружен для "
            "этого класса и задания не перепутаны, исправьте файл и загрузите его снова."
        )
    if not is_multiple_of(value, scheme.step):
        return None, (
            f"{plain(value)} баллов за задание {number} не кратно шагу оценивания "
            f"{plain(scheme.step)}. Округлите баллы так, как требуют критерии, или попросите "
            "председателя жюри задать в критериях нужный шаг."
        )
    return plain(value), None
