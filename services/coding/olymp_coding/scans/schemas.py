"""HTTP models of scanning. No model here carries a participant: pages are known by code only."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from olymp_coding.scans.domain import Outcome


class PageOutcomeRead(BaseModel):
    model_config = ConfigDict(frozen=True)

    page: int = Field(description="Номер страницы в загруженном файле, с 1")
    outcome: Outcome
    outcome_label: str = Field(description="Что стало со страницей, словами")
    page_id: uuid.UUID
    work_code: str | None = Field(
        description="Шифр, прочитанный со страницы или уже связанный с ней"
    )
    sheet: int | None = Field(description="Номер наклейки листа ответов")
    reason: str | None = Field(description="Почему страница ждёт ручной привязки")
    orientation: int = Field(description="На сколько градусов по часовой стрелке повёрнут скан")


class UploadRead(BaseModel):
    filename: str
    pages: list[PageOutcomeRead]


Rotation = Literal[0, 90, 180, 270]


class SuggestionRead(BaseModel):
    model_config = ConfigDict(frozen=True)

    work_code: str
    reason: str = Field(description="Почему предложена эта работа, словами")


class ManualPageRead(BaseModel):
    model_config = ConfigDict(frozen=True)

    page_id: uuid.UUID
    kind: str = Field(description="answer — лист ответов, title — титульный лист")
    code_read: str | None = Field(description="Шифр, прочитанный с наклейки, если прочитан")
    reason: str | None
    station_subject: str
    source_file: str
    source_page: int
    uploaded_at: dt.datetime
    rotation: int = Field(
        description="На сколько градусов по часовой стрелке повернуть изображение, чтобы "
        "страница стояла прямо (по наклейке; 0, если она не прочитана)"
    )
    suggestions: list[SuggestionRead] = Field(
        description="Работы, к которым страница вероятнее всего относится, лучшие первыми"
    )
    image_url: str = Field(description="Изображение страницы (только для оргкомитета)")
    thumbnail_url: str = Field(description="Уменьшенное изображение страницы (JPEG)")


class ManualQueue(BaseModel):
    pages: list[ManualPageRead]


class AssignmentCreate(BaseModel):
    work_code: str = Field(description="Шифр работы, как он написан на странице")
    subject_code: str = Field(description="Предмет работы: сверяется с шифром")
    kind: Literal["answer", "title"] = "answer"
    rotation: Rotation = Field(
        default=0,
        description="На сколько градусов по часовой стрелке страница повёрнута для чтения: "
        "запоминается, чтобы жюри видело её прямо (сам скан не меняется)",
    )


class ResolutionCreate(BaseModel):
    resolution: Literal["draft", "discarded"] = Field(
        description="draft — черновик (не проверяется и не шифруется, п. 45); "
        "discarded — страница не относится ни к одной работе (пустой лист, сбой сканера)"
    )
    rotation: Rotation = 0


class PageStateRead(BaseModel):
    """Where a page stands after a decision of the queue, or after it was taken back."""

    page_id: uuid.UUID
    kind: str
    queue_state: str = Field(description="pending — в очереди; resolved — разобрана")
    resolution: str | None = Field(description="assigned, draft или discarded; нет — в очереди")
    resolution_label: str | None
    work_code: str | None


class ResolvedPageRead(BaseModel):
    model_config = ConfigDict(frozen=True)

    page_id: uuid.UUID
    kind: str
    resolution: str
    resolution_label: str
    work_code: str | None
    grade: int | None = Field(description="Класс работы, если страница к ней привязана")
    station_subject: str
    source_file: str
    source_page: int
    resolved_at: dt.datetime
    resolved_by: str
    returnable: bool = Field(description="Можно ли вернуть страницу в очередь")
    why_not: str | None = Field(description="Почему нельзя вернуть, словами")
    thumbnail_url: str


class ResolvedPages(BaseModel):
    pages: list[ResolvedPageRead]


class AssignedPageRead(BaseModel):
    page_id: uuid.UUID
    work_code: str
    kind: str
    queue_state: str


class PageLinkRead(BaseModel):
    model_config = ConfigDict(frozen=True)

    page_id: uuid.UUID
    sheet: int | None
    url: str = Field(description="Краткосрочная ссылка на изображение страницы")
    expires_at: dt.datetime
    rotation: int = Field(
        description="На сколько градусов по часовой стрелке повернуть изображение, чтобы "
        "страница стояла прямо"
    )


class WorkPages(BaseModel):
    work_code: str
    pages: list[PageLinkRead]


class OwnWorkRead(BaseModel):
    """A participant's own work: no work code (it would tie the person to the code, §60–62)."""

    subject_code: str
    grade: int
    pages: list[PageLinkRead] = Field(description="Answer pages only, never the title page.")


class OwnWorks(BaseModel):
    works: list[OwnWorkRead]
