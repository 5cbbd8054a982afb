"""What is wrong with a results file, where the official finds it: the line, the column, the value.

Importing is all or nothing: every problem of the file is collected and the file is refused with
all of them at once, so the official fixes the file in one pass and uploads it whole again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from olymp_scoring.domain.errors import ScoringError

# a value is quoted back to the official, not stored: a cell of a megabyte is shown by its start
VALUE_SHOWN_CHARS = 80


def column_letter(index: int) -> str:
    """The spreadsheet name of the column at 0-based `index`: A, …, Z, AA, AB, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class Column:
    """A column of the file: its letter as a spreadsheet shows it and its header as typed."""

    letter: str
    header: str

    def __str__(self) -> str:
        return (
            f"столбец {self.letter} («{self.header}»)" if self.header else f"столбец {self.letter}"
        )


@dataclass(frozen=True)
class Problem:
    """One thing to fix. `line` is the file's line (None for the file as a whole)."""

    line: int | None
    column: Column | None
    value: str
    what: str  # what is wrong and what to do, in Russian, without the place

    @property
    def message(self) -> str:
        place = []
        if self.line is not None:
            place.append(f"строка {self.line}")
        if self.column is not None:
            place.append(str(self.column))
        if not place:
            return self.what
        where = ", ".join(place)
        return where[0].upper() + where[1:] + ": " + self.what

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "column": self.column.letter if self.column else None,
            "header": self.column.header if self.column else None,
            "value": self.value,
            "message": self.message,
        }


def shown(value: object) -> str:
    text = "" if value is None else str(value)
    if len(text) > VALUE_SHOWN_CHARS:
        return text[:VALUE_SHOWN_CHARS] + "…"
    return text


class ResultsFileRejected(ScoringError):
    """The results file was not imported at all; `errors` lists every problem to fix."""

    type_ = "results-file-rejected"
    title = "Файл результатов тестирующей системы не принят"

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        lines = sorted({p.line for p in self.problems if p.line is not None})
        if len(self.problems) == 1:
            # the problem's own message says what to do
            detail = "Файл не загружен, ни один балл не сохранён. " + self.problems[0].message
        else:
            shown_lines = ", ".join(map(str, lines[:20])) + ("…" if len(lines) > 20 else "")
            detail = (
                "Файл не загружен, ни один балл не сохранён: найдено ошибок — "
                f"{len(self.problems)}"
                + (f" (строки: {shown_lines})" if lines else "")
                + ". Исправьте всё, что перечислено в errors, и загрузите файл целиком ещё раз."
            )
        super().__init__(
            detail,
            errors=[p.to_json() for p in self.problems],
        )
