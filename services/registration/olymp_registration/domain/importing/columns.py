"""The columns of a participants file and the header spellings that municipalities send."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

from olymp_registration.domain.text import comparison_key


class Column(StrEnum):
    """A column of the application, by its canonical Russian header."""

    SURNAME = "Фамилия"
    NAME = "Имя"
    PATRONYMIC = "Отчество"
    GRADE = "Класс"
    TASK_GRADE = "Класс выполнения заданий"
    SCHOOL = "Образовательная организация"
    SUBJECT = "Предмет"
    ELIGIBILITY = "Основание участия"
    CONSENT = "Согласие на публикацию"
    SPECIAL_CONDITIONS = "Особые условия"


COLUMNS: Final = tuple(Column)
"""The canonical order, in which generated files are written."""

OPTIONAL_COLUMNS: Final = frozenset({Column.TASK_GRADE, Column.SPECIAL_CONDITIONS})
REQUIRED_COLUMNS: Final = tuple(c for c in COLUMNS if c not in OPTIONAL_COLUMNS)

_VARIANTS: Final[dict[Column, tuple[str, ...]]] = {
    Column.SURNAME: ("фамилия участника",),
    Column.NAME: ("имя участника",),
    Column.PATRONYMIC: ("отчество участника", "отчество (при наличии)"),
    Column.GRADE: ("класс обучения", "класс, в котором обучается", "класс участника"),
    Column.TASK_GRADE: (
        "класс, за который выполняются задания",
        "выполняет задания за класс",
        "класс заданий",
        "класс выполнения олимпиадных заданий",
    ),
    Column.SCHOOL: (
        "оо",
        "оу",
        "школа",
        "наименование оо",
        "наименование образовательной организации",
        "образовательное учреждение",
    ),
    Column.SUBJECT: ("предметы", "общеобразовательный предмет"),
    Column.ELIGIBILITY: ("основание допуска", "основание"),
    Column.CONSENT: ("согласие на публикацию результатов", "согласие"),
    Column.SPECIAL_CONDITIONS: ("специальные условия", "особые условия (овз)", "овз"),
}

_BY_KEY: Final = {
    comparison_key(spelling): column
    for column in COLUMNS
    for spelling in (column.value, *_VARIANTS[column])
}

_DECORATION: Final = re.compile(r"[\s*:.]+$")
_TRAILING_HINT: Final = re.compile(r"\s*\([^()]*\)$")

FULL_NAME_HEADERS: Final = frozenset({"фио", "ф.и.о.", "фио участника", "ф. и. о."})


def recognise(header: str) -> Column | None:
    """The column a header cell means, ignoring case, «ё», a trailing «*» or «:» and a hint in
    brackets («Согласие на публикацию (да/нет)»)."""
    key = _DECORATION.sub("", comparison_key(header))
    column = _BY_KEY.get(key)
    if column is None:
        column = _BY_KEY.get(_DECORATION.sub("", _TRAILING_HINT.sub("", key)))
    return column
