"""HTTP API of the regional hand-over (§21): for the regional coordinator only."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response

from olymp_core.auth import Principal, Role, authorize
from olymp_core.dependencies import Uow
from olymp_core.subject_grade import SubjectGrade
from olymp_publishing.api import Grade, VersionQuery
from olymp_publishing.domain import points_text, subject_name
from olymp_publishing.handover import documents, handlers
from olymp_publishing.handover.domain import HandedRow
from olymp_publishing.handover.schemas import HandedRowRead, HandoverRead

router = APIRouter(
    prefix="/olympiads/{olympiad_id}/subjects/{subject_code}/grades/{grade}/regional",
    tags=["regional hand-over"],
)
# §21: the municipal organiser hands the results to the organiser of the regional stage; the
# names, dates of birth and results of participants who did not consent to publication go to the
# region and nowhere else
Region = Annotated[Principal, Depends(authorize(Role.COORDINATOR))]
Kind = Literal["results", "awardees"]

COLUMNS = (
    "The approved final version (`version`: a given final version; default the latest), not"
    " masked by consent. `results`: every participant, the annulled works last; `awardees`: the"
    " winners and prize-winners, for the next stage. CSV (UTF-8 with a BOM, «;») and XLSX have"
    " these columns: № · Фамилия · Имя · Отчество · Дата рождения (ДД.ММ.ГГГГ; empty when the"
    " application gave none) · Класс (the class attended) · Образовательная организация ·"
    " Задание 1 … Задание N (points) · Итого баллов · Место · Статус (победитель, призёр,"
    " участник, аннулировано) · Согласие на публикацию (да/нет) · Причина аннулирования. A cell"
    " beginning with =, +, - or @ is written as text (CSV: after an apostrophe). Before the final"
    " results are approved: 404. Every hand-over is audited."
)


# The suffixed route first: «{kind}» alone would also match «results.csv».
@router.get(
    "/{kind}.{extension}",
    summary="The results handed to the regional organiser (§21), CSV or XLSX",
    description=COLUMNS,
    response_class=Response,
    responses={200: {"content": {media: {} for media in documents.FORMATS.values()}}},
)
async def get_handover_file(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    kind: Kind,
    extension: Literal["csv", "xlsx"],
    who: Region,
    uow: Uow,
    version: VersionQuery = None,
) -> Response:
    key = SubjectGrade(olympiad_id, subject_code, grade)
    found = await handlers.handover_file(
        handlers.HandoverAsked(key, kind, extension, version), uow, who
    )
    return Response(
        found.body,
        media_type=found.media_type,
        headers={"Content-Disposition": f'attachment; filename="{found.filename}"'},
    )


@router.get(
    "/{kind}",
    summary="The results handed to the regional organiser (§21), as JSON",
    description="The same rows as the CSV and XLSX at this address with a suffix, one object"
    " each (fields in `HandedRowRead`). " + COLUMNS,
)
async def get_handover(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    kind: Kind,
    who: Region,
    uow: Uow,
    version: VersionQuery = None,
) -> HandoverRead:
    key = SubjectGrade(olympiad_id, subject_code, grade)
    found = await handlers.handover(handlers.HandoverAsked(key, kind, "json", version), uow, who)
    stored = found.version
    return HandoverRead(
        olympiad_id=olympiad_id,
        olympiad_title=stored.document.get("olympiad_title"),
        subject_code=subject_code,
        subject_name=subject_name(subject_code),
        grade=grade,
        kind=kind,
        version=stored.version,
        published_at=stored.created_at,
        sha256=stored.sha256,
        max_total=stored.protocol["max_total"],
        tasks=found.tasks,
        rows=[_row_read(row) for row in found.rows],
    )


def _row_read(row: HandedRow) -> HandedRowRead:
    return HandedRowRead(
        position=row.position,
        place=row.place,
        surname=row.surname,
        name=row.name,
        patronymic=row.patronymic,
        birth_date=row.birth_date,
        grade=row.grade,
        school=row.school,
        task_scores={task: points_text(points) for task, points in row.task_scores.items()},
        total=None if row.total is None else points_text(row.total),
        status=row.status,
        consent_to_publish=row.consent_to_publish,
        annulment_reason=row.annulment_reason,
    )
