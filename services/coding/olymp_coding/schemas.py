"""HTTP models of the coding service. Only `CodeTable` pairs a code with a participant."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from olymp_coding.domain import CheckState


class WorkRead(BaseModel):
    """A work as the jury may see it: its code, task grade and checking status, nobody's name."""

    model_config = ConfigDict(frozen=True)

    work_code: str
    grade: int = Field(description="Класс (параллель), задания которого выполнены")
    status: CheckState
    status_label: str = Field(description="Статус работы словами: «не проверена» и т. п.")


class WorkList(BaseModel):
    works: list[WorkRead]


class CodeEntryRead(BaseModel):
    model_config = ConfigDict(frozen=True)

    work_code: str
    participant_id: uuid.UUID
    grade: int


class CodeTable(BaseModel):
    """The sealed code↔participant table (§62–63): for the coding officer only."""

    entries: list[CodeEntryRead]


class DecodingRead(BaseModel):
    decoded: int = Field(description="Сколько работ декодировано")
