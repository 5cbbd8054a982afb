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
    image_url: str = Field(description="Изображение страницы (только для оргкомитета)")


class ManualQueue(BaseModel):
    pages: list[ManualPageRead]


class AssignmentCreate(BaseModel):
    work_code: str = Field(description="Шифр работы, как он написан на странице")
    subject_code: str = Field(description="Предмет работы: сверяется с шифром")
    kind: Literal["answer", "title"] = "answer"


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


class WorkPages(BaseModel):
    work_code: str
    pages: list[PageLinkRead]
