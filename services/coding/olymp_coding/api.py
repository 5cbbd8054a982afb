"""HTTP API of the coding service: works by code, the sealed code table, the jury table, decoding."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from olymp_coding import handlers
from olymp_coding.documents import codes_xlsx
from olymp_coding.domain import (
    CodingError,
    DecodingRefused,
    InvalidSubject,
    MistypedCode,
    SubjectNotFound,
)
from olymp_coding.schemas import (
    CodeEntryRead,
    CodeTable,
    DecodingOverview,
    DecodingRead,
    GradeGateRead,
    WorkList,
    WorkRead,
)
from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.dependencies import Uow
from olymp_core.errors import ErrorMap
from olymp_core.subjects import UnknownSubject, subject

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

router = APIRouter(prefix="/olympiads/{olympiad_id}/subjects/{subject_code}", tags=["coding"])
# what spans the olympiad's subjects; the handler keeps to the subjects the caller is assigned
olympiad_router = APIRouter(prefix="/olympiads/{olympiad_id}", tags=["coding"])

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
AnyDecoder = Annotated[Principal, Depends(authorize(Role.CODING_OFFICER, Role.JURY_CHAIR))]

ERRORS: ErrorMap = {
    CodingError: 422,
    MistypedCode: 422,
    DecodingRefused: 409,
    SubjectNotFound: 404,
    InvalidSubject: 422,
}


async def _known_subject(subject_code: Annotated[str, Path()]) -> str:
    # The address names no subject of §3: the resource does not exist.
    try:
        return subject(subject_code).code
    except UnknownSubject as exc:
        raise SubjectNotFound(str(exc)) from None


SubjectCode = Annotated[str, Depends(_known_subject)]
Grade = Annotated[
    int, Path(ge=1, le=11, description="Класс (параллель), задания которого выполнены")
]


@router.get("/works", summary="Работы предмета по шифрам (без сведений об участниках)")
async def list_works(
    olympiad_id: uuid.UUID,
    subject_code: SubjectCode,
    _: JuryOrCoding,
    uow: Uow,
    grade: Annotated[int | None, Query(ge=1, le=11)] = None,
) -> WorkList:
    stored = await handlers.list_works(olympiad_id, subject_code, grade, uow)
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
    olympiad_id: uuid.UUID, subject_code: SubjectCode, who: CodingOfficer, uow: Uow
) -> CodeTable:
    command = handlers.ReadCodeTable(olympiad_id, subject_code)
    stored = await handlers.read_code_table(command, uow, who)
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
    olympiad_id: uuid.UUID, subject_code: SubjectCode, grade: Grade, _: JuryOrCoding, uow: Uow
) -> Response:
    rows = await handlers.jury_table_rows(olympiad_id, subject_code, grade, uow)
    content = codes_xlsx(rows, subject_title=lambda code: subject(code).name)
    filename = f"jury-table-{subject_code}-{grade}.xlsx"
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/grades/{grade}/decode", summary="Декодировать работы класса (после проверки всех)")
async def decode(
    olympiad_id: uuid.UUID, subject_code: SubjectCode, grade: Grade, who: Decoder, uow: Uow
) -> DecodingRead:
    result = await handlers.decode(handlers.Decode(olympiad_id, subject_code, grade), uow, who)
    return DecodingRead(decoded=result.decoded)


@olympiad_router.get(
    "/decoding",
    summary="Состояние декодирования по предметам и классам: сколько и какие работы не проверены",
)
async def decoding_overview(olympiad_id: uuid.UUID, who: AnyDecoder, uow: Uow) -> DecodingOverview:
    overview = await handlers.decoding_overview(olympiad_id, uow, who)
    return DecodingOverview(
        grades=[
            GradeGateRead(
                subject_code=item.subject_code,
                grade=item.grade,
                works=item.gate.works,
                checked=item.gate.checked,
                annulled=item.gate.annulled,
                unchecked_codes=list(item.gate.unchecked_codes),
                decoded=item.gate.decoded,
                decoded_count=item.gate.decoded_count,
                decoded_at=item.decoding.decoded_at if item.decoding else None,
                decoded_by=item.decoding.decoded_by if item.decoding else None,
                coded_after_decoding=item.gate.coded_after_decoding,
                allowed=item.gate.allowed,
                reason=item.gate.reason,
                queued_pages=item.queued_pages,
            )
            for item in overview
        ]
    )
