"""HTTP API of the coding service: works by code, the sealed code table, the jury table, decoding."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from olymp_coding import handlers
from olymp_coding.documents import codes_xlsx
from olymp_coding.schemas import CodeEntryRead, CodeTable, DecodingRead, WorkList, WorkRead
from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.db import UnitOfWorkFactory
from olymp_core.problems import Conflict, NotFound
from olymp_core.subjects import UnknownSubject, subject

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

router = APIRouter(prefix="/olympiads/{olympiad_id}/subjects/{subject_code}", tags=["coding"])

_subject_scope = ScopeRule(ScopeKind.SUBJECT, "subject_code")

JuryOrCoding = Annotated[
    Principal,
    Depends(
        authorize(Role.CODING_OFFICER, Role.JURY_CHAIR, Role.JURY_MEMBER, scope=_subject_scope)
    ),
]
CodingOfficer = Annotated[Principal, Depends(authorize(Role.CODING_OFFICER, scope=_subject_scope))]
Decoder = Annotated[
    Principal, Depends(authorize(Role.CODING_OFFICER, Role.JURY_CHAIR, scope=_subject_scope))
]


def _uows(request: Request) -> UnitOfWorkFactory:
    uows: UnitOfWorkFactory = request.app.state.runtime.uows
    return uows


def _known_subject(subject_code: Annotated[str, Path()]) -> str:
    try:
        return subject(subject_code).code
    except UnknownSubject as exc:
        raise NotFound(str(exc)) from None


Uows = Annotated[UnitOfWorkFactory, Depends(_uows)]
SubjectCode = Annotated[str, Depends(_known_subject)]
Grade = Annotated[
    int, Path(ge=1, le=11, description="Класс (параллель), задания которого выполнены")
]


@router.get("/works", summary="Работы предмета по шифрам (без сведений об участниках)")
async def list_works(
    olympiad_id: uuid.UUID,
    subject_code: SubjectCode,
    _: JuryOrCoding,
    uows: Uows,
    grade: Annotated[int | None, Query(ge=1, le=11)] = None,
) -> WorkList:
    async with uows() as uow:
        stored = await handlers.list_works(uow, olympiad_id, subject_code, grade)
    return WorkList(
        works=[
            WorkRead(
                work_code=work.work_code,
                grade=work.task_grade,
                status=work.state,
                status_label=work.state.label,
            )
            for work in stored
        ]
    )


@router.get("/codes", summary="Таблица соответствия шифров участникам (только оргкомитет)")
async def code_table(
    olympiad_id: uuid.UUID, subject_code: SubjectCode, who: CodingOfficer, uows: Uows
) -> CodeTable:
    async with uows() as uow:
        stored = await handlers.read_code_table(uow, olympiad_id, subject_code, actor=who.subject)
    return CodeTable(
        entries=[
            CodeEntryRead(
                work_code=work.work_code, participant_id=work.participant_id, grade=work.task_grade
            )
            for work in stored
        ]
    )


@router.get(
    "/grades/{grade}/jury-table.xlsx",
    summary="Сводная таблица шифров для жюри (п. 64)",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}},
)
async def jury_table_xlsx(
    olympiad_id: uuid.UUID, subject_code: SubjectCode, grade: Grade, _: JuryOrCoding, uows: Uows
) -> Response:
    async with uows() as uow:
        rows = await handlers.jury_table_rows(uow, olympiad_id, subject_code, grade)
    content = codes_xlsx(rows, subject_title=lambda code: subject(code).name)
    filename = f"jury-table-{subject_code}-{grade}.xlsx"
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/grades/{grade}/decode", summary="Декодировать работы класса (после проверки всех)")
async def decode(
    olympiad_id: uuid.UUID, subject_code: SubjectCode, grade: Grade, who: Decoder, uows: Uows
) -> DecodingRead:
    async with uows() as uow:
        try:
            result = await handlers.decode(uow, olympiad_id, subject_code, grade, actor=who.subject)
        except handlers.DecodingRefused as refused:
            raise Conflict(
                str(refused),
                type_="decoding-refused",
                unchecked_codes=list(refused.unchecked_codes),
            ) from None
    return DecodingRead(decoded=result.decoded)
