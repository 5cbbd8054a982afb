"""The columns of a participants file and the header spellings that municipalities send."""

from __future__ import annotations

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
    VENUE = "Площадка проведения"
    SCHOOL_STAGE_SCORE = "Баллы школьного этапа"
    EDUCATION_FORM = "Форма обучения"
    BIRTH_DATE = "Дата рождения"


COLUMNS: Final = tuple(Column)
"""The canonical order, in which generated files are written."""

# The venue where the participant writes the round, as the olympiad names it; a venue coordinator
# marks and removes only those assigned to their venue (and, while unassigned, anyone unmarked).
# The school-stage score is checked against the organiser's thresholds (§10) where they are set;
# the form of education (§9) is needed only for pupils who attend no school; the date of birth
# decides the identity document at the entrance (§36), and older applications have none.
OPTIONAL_COLUMNS: Final = frozenset(
    {
        Column.BIRTH_DATE,
        Column.TASK_GRADE,
        Column.SPECIAL_CONDITIONS,
        Column.VENUE,
        Column.SCHOOL_STAGE_SCORE,
        Column.EDUCATION_FORM,
    }
)
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
    Column.VENUE: (
        "площадка",
        "место проведения",
        "пункт проведения",
        "место проведения олимпиады",
        "площадка проведения олимпиады",
    ),
    Column.SCHOOL_STAGE_SCORE: (
        "балл школьного этапа",
        "баллы",
        "баллы на школьном этапе",
        "количество баллов",
        "количество баллов на школьном этапе",
        "результат школьного этапа",
    ),
    Column.EDUCATION_FORM: (
        "форма образования",
        "форма получения образования",
        "форма обучения участника",
    ),
    Column.BIRTH_DATE: ("дата рождения участника", "дата рожд", "д.р", "др"),
}

_BY_KEY: Final = {
    comparison_key(spelling): column
    for column in COLUMNS
    for spelling in (column.value, *_VARIANTS[column])
}

# Stripped from the end of a header: «Фамилия*», «Класс:», «Имя участника.». Done with string
# methods, not a regex anchored at the end: `[\s*:.]+$` retries from every position of a long
# run of these characters that is not at the end, which made a 131 KB cell take minutes.
_DECORATION: Final = "*:."

FULL_NAME_HEADERS: Final = frozenset({"фио", "ф.и.о.", "фио участника", "ф. и. о."})


def recognise(header: str) -> Column | None:
    """The column a header cell means, ignoring case, «ё», a trailing «*» or «:» and a hint in
    brackets («Согласие на публикацию (да/нет)»)."""
    key = _undecorated(comparison_key(header))
    column = _BY_KEY.get(key)
    if column is None:
        column = _BY_KEY.get(_undecorated(_without_trailing_hint(key)))
    return column


def _undecorated(key: str) -> str:
    """`key` without trailing whitespace, «*», «:» and «.», in one pass from the end."""
    end = len(key)
    while end and (key[end - 1].isspace() or key[end - 1] in _DECORATION):
        end -= 1
    return key[:end]


def _without_trailing_hint(key: str) -> str:
    """`key` without a final «(…)» that holds no bracket, and the whitespace before it."""
    if not key.endswith(")"):
        return key
    opening = key.rfind("(", 0, len(key) - 1)
    if opening < 0 or ")" in key[opening + 1 : -1]:
        return key
    return key[:opening].rstrip()
