"""HTTP models of the coding service. Only `CodeTable` pairs a code with a participant."""

from __future__ import annotations

import datetime as dt
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


class GradeGateRead(BaseModel):
    """The decoding gate (§61) of one subject and grade."""

    model_config = ConfigDict(frozen=True)

    subject_code: str
    grade: int
    works: int = Field(description="Работ класса, включая аннулированные")
    checked: int = Field(description="Проверено")
    annulled: int = Field(description="Аннулировано (п. 47, 53, 68): не проверяются")
    unchecked_codes: list[str] = Field(description="Шифры ещё не проверенных работ")
    decoded: bool = Field(description="Декодированы ли работы класса")
    decoded_count: int | None = Field(description="Сколько работ декодировано")
    decoded_at: dt.datetime | None
    decoded_by: str | None
    coded_after_decoding: int = Field(
        description="Работ зашифровано после декодирования и ещё не декодировано"
    )
    allowed: bool = Field(description="Декодирует ли что-то нажатие «Декодировать» сейчас")
    reason: str = Field(description="Почему нельзя, или что будет при нажатии, словами")
    queued_pages: int = Field(
        description="Страниц предмета в очереди ручной привязки: какой-то работе может не хватать"
    )


class DecodingOverview(BaseModel):
    grades: list[GradeGateRead]
