"""One subject and grade (параллель) of an olympiad: what is checked, decoded and ranked together."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa


@dataclass(frozen=True)
class SubjectGrade:
    olympiad_id: uuid.UUID
    subject_code: str
    grade: int

    def where(self, table: sa.Table) -> sa.ColumnElement[bool]:
        """The rows of `table` (with these three columns) that belong to this subject and grade."""
        return sa.and_(
            table.c.olympiad_id == self.olympiad_id,
            table.c.subject_code == self.subject_code,
            table.c.grade == self.grade,
        )

    @property
    def object_id(self) -> str:
        """How the audit trail names it."""
        return f"{self.olympiad_id}/{self.subject_code}/{self.grade}"
