"""The summary table for the jury (§64): codes only, nothing about who wrote the work."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from olymp_coding.domain.assignment import CodeAssignment


@dataclass(frozen=True)
class JuryTableRow:
    work_code: str
    grade: int
    subject: str


def jury_table(assignments: Iterable[CodeAssignment]) -> tuple[JuryTableRow, ...]:
    """Rows of the codes-only table, ordered by subject, grade and code.

    The order matters: rows in the order of the participant list would let anyone holding that list
    decode the works by position. Codes are random, so ordering by code reveals nothing.
    """
    rows = [
        JuryTableRow(work_code=item.work_code, grade=item.grade, subject=item.subject)
        for item in assignments
    ]
    return tuple(sorted(rows, key=lambda row: (row.subject, row.grade, row.work_code)))
