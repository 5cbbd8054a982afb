"""HTTP models of the regional hand-over (§21). Points travel as decimal text («37.5»)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, Field


class HandedRowRead(BaseModel):
    """One participant as handed to the regional organiser: nothing masked by consent."""

    position: int | None = Field(description="№ in the rating table; null for an annulled work")
    place: str | None = Field(description="The place, «4» or shared «2–3»; null when annulled")
    surname: str = Field(description="Фамилия, as in the application")
    name: str = Field(description="Имя")
    patronymic: str = Field(description="Отчество; empty when there is none")
    birth_date: dt.date | None = Field(
        description="Дата рождения, from the application; null when it gave none"
    )
    grade: int = Field(description="Класс: the class the participant attends")
    school: str = Field(description="Образовательная организация")
    task_scores: dict[str, str] = Field(description="Task number → its points (Задание N)")
    total: str | None = Field(description="Итого баллов; null for an annulled work")
    status: Literal["победитель", "призёр", "участник", "аннулировано"] = Field(
        description="Статус (§124); «аннулировано» for a work annulled (§53, §119)"
    )
    consent_to_publish: bool = Field(description="Согласие на публикацию (§21)")
    annulment_reason: str | None = Field(description="Причина аннулирования; null otherwise")


class HandoverRead(BaseModel):
    """A subject and grade's approved final results for the regional organiser (§21)."""

    olympiad_id: uuid.UUID
    olympiad_title: str | None
    subject_code: str
    subject_name: str
    grade: int = Field(description="The grade (параллель) of the table: whose tasks were done")
    kind: Literal["results", "awardees"] = Field(
        description="results: every participant; awardees: the winners and prize-winners, for"
        " the next stage"
    )
    version: int = Field(description="The final version handed over")
    published_at: dt.datetime
    sha256: str = Field(description="The published version's hash, as on the public table")
    max_total: str
    tasks: list[str] = Field(description="The tasks, in the order of the Задание N columns")
    rows: list[HandedRowRead]
