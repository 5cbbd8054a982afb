"""What an import found: the rows it could read and every problem, where the official sees it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from olymp_registration.domain.participant import Participant


class ProblemKind(StrEnum):
    # the file as a whole
    ENCODING = "encoding"
    NOT_A_TABLE = "not_a_table"
    TOO_LARGE = "too_large"
    EMPTY_FILE = "empty_file"
    NO_HEADER = "no_header"
    MISSING_COLUMN = "missing_column"
    DUPLICATE_COLUMN = "duplicate_column"
    NO_ROWS = "no_rows"
    TOO_MANY_ROWS = "too_many_rows"
    # one cell or one row
    MISSING_VALUE = "missing_value"
    BAD_NAME = "bad_name"
    BAD_GRADE = "bad_grade"
    BAD_TASK_GRADE = "bad_task_grade"
    TASK_GRADE_BELOW_GRADE = "task_grade_below_grade"
    UNKNOWN_SUBJECT = "unknown_subject"
    UNKNOWN_VENUE = "unknown_venue"
    UNKNOWN_ELIGIBILITY = "unknown_eligibility"
    BAD_CONSENT = "bad_consent"
    TOO_LONG = "too_long"
    DUPLICATE_ROW = "duplicate_row"
    BAD_SCORE = "bad_score"
    BAD_EDUCATION_FORM = "bad_education_form"
    BAD_BIRTH_DATE = "bad_birth_date"
    # the organiser's admission rules (§10)
    NO_THRESHOLD = "no_threshold"
    BELOW_THRESHOLD = "below_threshold"
    NOT_AN_AWARDEE = "not_an_awardee"


@dataclass(frozen=True)
class ImportProblem:
    """One problem: `row` as numbered in the file (None for the whole file), the column header,
    the value as read, and a Russian `message` that says what to fix."""

    kind: ProblemKind
    row: int | None
    column: str | None
    value: str
    message: str

    @property
    def fault(self) -> str:
        """What is wrong: the message up to the advice (the whole message when it has none)."""
        return split_advice(self.message)[0]

    @property
    def remedy(self) -> str:
        """What to do, as the message advises it; empty when the message gives no advice."""
        return split_advice(self.message)[1]


@dataclass(frozen=True)
class ImportedRow:
    row: int
    participant: Participant
    venue: str = ""
    """The venue the row assigns, as typed; the handler matches it to the olympiad's venues."""


@dataclass(frozen=True)
class ImportReport:
    """The outcome of reading one file. Importing is all-or-nothing: use it only when `ok`."""

    rows: tuple[ImportedRow, ...]
    errors: tuple[ImportProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def participants(self) -> tuple[Participant, ...]:
        return tuple(r.participant for r in self.rows)


def file_problem(kind: ProblemKind, message: str, *, row: int | None = None) -> ImportReport:
    """A report for a file that could not be read at all."""
    return ImportReport(rows=(), errors=(ImportProblem(kind, row, None, "", message),))


# The advice of a message opens with a verb in the imperative («впишите», «удалите», «проверьте»)
# or with «Если …»; a boundary is «: » or «. » outside «quoted values», where a typed value may
# hold either.
_ADVICE = re.compile(r"(?:[А-ЯЁа-яё]+(?:ите|йте|ьте)|Если)(?![А-ЯЁа-яё])")


def split_advice(message: str) -> tuple[str, str]:
    """«Класс «7а» не распознан: впишите число…» → («Класс «7а» не распознан.», «Впишите число…»).

    A message with no imperative after a boundary and several sentences gives its first sentence
    as the fault and the rest as the advice; one sentence is all fault."""
    depth = 0
    first_sentence_end = None
    for index, char in enumerate(message):
        if char == "«":
            depth += 1
        elif char == "»":
            depth = max(depth - 1, 0)
        elif depth == 0 and char in ":." and message[index + 1 : index + 2] == " ":
            rest = message[index + 2 :]
            if _ADVICE.match(rest):
                return _sentence(message[:index]), _capitalised(rest)
            if char == "." and first_sentence_end is None and rest[:1].isupper():
                first_sentence_end = index
    if first_sentence_end is not None:
        return message[: first_sentence_end + 1], message[first_sentence_end + 2 :]
    return message, ""


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
