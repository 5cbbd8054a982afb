"""HTTP API of scanning: the station's upload, the manual queue, labels, jury links, title pages."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request, Response

from olymp_coding import scans
from olymp_coding.api import CodingOfficer, SubjectCode, Uows
from olymp_coding.domain import MistypedCode
from olymp_coding.labels import LabelFontMissing
from olymp_coding.scan_schemas import (
    AssignedPageRead,
    AssignmentCreate,
    ManualPageRead,
    ManualQueue,
    PageLinkRead,
    PageOutcomeRead,
    UploadRead,
    WorkPages,
)
from olymp_coding.scanning import ScanError
from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.problems import Conflict, Forbidden, NotFound, Problem
from olymp_core.subjects import UnknownSubject, subject

PDF_MEDIA_TYPE = "application/pdf"
MAX_UPLOAD_BYTES = 1 << 30  # a 300-page colour PDF at 300 dpi stays well below this

router = APIRouter(prefix="/olympiads/{olympiad_id}", tags=["scans"])

Scanner = Annotated[
    Principal,
    Depends(authorize(Role.SCANNER, scope=ScopeRule(ScopeKind.SUBJECT, "subject_code"))),
]
AnyCodingOfficer = Annotated[Principal, Depends(authorize(Role.CODING_OFFICER))]
Jury = Annotated[Principal, Depends(authorize(Role.JURY_MEMBER, Role.JURY_CHAIR))]
# The link's signature is the credential: an <img> cannot carry a bearer token.
LinkHolder = Annotated[Principal, Depends(authorize(Role.PUBLIC))]


def _desk(request: Request) -> scans.ScanDesk:
    desk: scans.ScanDesk = request.app.state.scan_desk
    return desk


Desk = Annotated[scans.ScanDesk, Depends(_desk)]


def _problem(error: scans.ScanRequestError | MistypedCode) -> Problem:
    if isinstance(error, scans.PageNotFound):
        return NotFound(str(error))
    if isinstance(error, scans.PageAlreadyAssigned | scans.WrongSubject):
        return Conflict(str(error))
    if isinstance(error, scans.OutOfScope | scans.LinkRefused):
        return Forbidden(str(error))
    return Problem(str(error), status=422, type_="unknown-work-code", title="Неверный шифр")


def _station_subject(
    subject_code: Annotated[str, Query(description="Предмет, который сканирует станция")],
) -> str:
    try:
        return subject(subject_code).code
    except UnknownSubject as exc:
        raise Problem(str(exc), status=422, type_="unknown-subject") from None


async def _body(request: Request, filename: str) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_UPLOAD_BYTES:
            raise Problem(
                f"Файл «{filename}» больше {MAX_UPLOAD_BYTES >> 20} МБ: разделите скан на части.",
                status=413,
                type_="scan-too-large",
                filename=filename,
            )
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "/scans",
    summary="Загрузить скан со станции сканирования (PDF или изображение)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/pdf": {},
                "image/jpeg": {},
                "image/png": {},
                "image/tiff": {},
                "application/octet-stream": {},
            },
        }
    },
)
async def upload_scan(
    request: Request,
    olympiad_id: uuid.UUID,
    filename: Annotated[str, Query(min_length=1, max_length=255, description="Имя файла скана")],
    subject_code: Annotated[str, Depends(_station_subject)],
    who: Scanner,
    desk: Desk,
    uows: Uows,
) -> UploadRead:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1] or filename
    data = await _body(request, name)
    command = scans.Upload(olympiad_id, subject_code, name, data, who.subject)
    try:
        report = await scans.ingest(desk, uows, command)
    except ScanError as error:
        raise Problem(
            str(error),
            status=422,
            type_="scan-file-rejected",
            title="Файл скана не принят",
            filename=error.filename,
            error=type(error).__name__,
        ) from None
    return UploadRead(
        filename=report.filename,
        pages=[
            PageOutcomeRead(
                page=outcome.source_page,
                outcome=outcome.outcome,
                outcome_label=outcome.outcome.label,
                page_id=outcome.page_id,
                work_code=outcome.work_code,
                sheet=outcome.sheet,
                reason=outcome.reason,
                orientation=outcome.orientation,
            )
            for outcome in report.pages
        ],
    )


@router.get("/scans/manual", summary="Очередь страниц, ожидающих ручной привязки к работе")
async def manual_queue(olympiad_id: uuid.UUID, who: AnyCodingOfficer, uows: Uows) -> ManualQueue:
    async with uows() as uow:
        pages = await scans.manual_queue(uow, olympiad_id, who)
    return ManualQueue(
        pages=[
            ManualPageRead(
                page_id=page.page_id,
                kind=page.kind,
                code_read=page.code_read,
                reason=page.routing_reason,
                station_subject=page.station_subject,
                source_file=page.source_file,
                source_page=page.source_page,
                uploaded_at=page.uploaded_at,
                image_url=f"/olympiads/{olympiad_id}/scans/{page.page_id}/image",
            )
            for page in pages
        ]
    )


@router.get(
    "/scans/{page_id}/image",
    summary="Изображение загруженной страницы (оргкомитет, для ручной привязки)",
    response_class=Response,
)
async def page_image(
    olympiad_id: uuid.UUID, page_id: uuid.UUID, who: AnyCodingOfficer, desk: Desk, uows: Uows
) -> Response:
    try:
        data, content_type = await scans.officer_page(desk, uows, olympiad_id, page_id, who)
    except scans.ScanRequestError as error:
        raise _problem(error) from None
    return Response(data, media_type=content_type, headers={"Cache-Control": "no-store"})


@router.post("/scans/{page_id}/assignment", summary="Привязать страницу из очереди к работе")
async def assign_page(
    olympiad_id: uuid.UUID,
    page_id: uuid.UUID,
    body: Annotated[AssignmentCreate, Body()],
    who: AnyCodingOfficer,
    desk: Desk,
    uows: Uows,
) -> AssignedPageRead:
    try:
        subject_code = subject(body.subject_code).code
    except UnknownSubject as exc:
        raise Problem(str(exc), status=422, type_="unknown-subject") from None
    command = scans.Assignment(olympiad_id, page_id, body.work_code, subject_code, body.kind, who)
    try:
        page = await scans.assign_page(desk, uows, command)
    except (scans.ScanRequestError, MistypedCode) as error:
        raise _problem(error) from None
    assert page.work_code is not None
    return AssignedPageRead(
        page_id=page.page_id, work_code=page.work_code, kind=page.kind, queue_state=page.queue_state
    )


@router.get(
    "/subjects/{subject_code}/labels.pdf",
    summary="Листы наклеек с QR-шифрами (по классам: аудитории службе шифрования не известны)",
    response_class=Response,
    responses={200: {"content": {PDF_MEDIA_TYPE: {}}}},
)
async def labels_pdf(
    olympiad_id: uuid.UUID,
    subject_code: SubjectCode,
    _: CodingOfficer,
    uows: Uows,
    grade: Annotated[int | None, Query(ge=1, le=11)] = None,
) -> Response:
    if not subject(subject_code).coded:
        raise Conflict(
            f"Работы по предмету «{subject(subject_code).name}» не шифруются (п. 60): "
            "наклейки с шифрами не печатаются, используются номера регистрации."
        )
    async with uows() as uow:
        try:
            pdf = await scans.label_sheets(uow, olympiad_id, subject_code, grade)
        except LabelFontMissing as error:
            raise Problem(str(error), status=503, type_="label-font-missing") from None
    suffix = f"-{grade}" if grade else ""
    return Response(
        pdf,
        media_type=PDF_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="labels-{subject_code}{suffix}.pdf"'
        },
    )


@router.get("/works/{work_code}/pages", summary="Страницы работы по шифру (для жюри)")
async def work_pages(
    olympiad_id: uuid.UUID, work_code: str, who: Jury, desk: Desk, uows: Uows
) -> WorkPages:
    try:
        links = await scans.work_page_links(desk, uows, olympiad_id, work_code, who)
    except (scans.ScanRequestError, MistypedCode) as error:
        raise _problem(error) from None
    return WorkPages(
        work_code=work_code,
        pages=[
            PageLinkRead(
                page_id=link.page_id, sheet=link.sheet, url=link.url, expires_at=link.expires_at
            )
            for link in links
        ],
    )


@router.get(
    "/pages/{page_id}",
    summary="Изображение страницы по краткосрочной подписанной ссылке",
    response_class=Response,
)
async def signed_page(
    olympiad_id: uuid.UUID,
    page_id: uuid.UUID,
    expires: int,
    to: Annotated[str, Query(min_length=1, max_length=200)],
    sig: Annotated[str, Query(min_length=64, max_length=64)],
    _: LinkHolder,
    desk: Desk,
    uows: Uows,
) -> Response:
    try:
        data, content_type = await scans.read_signed_page(
            desk, uows, olympiad_id, page_id, expires=expires, issued_to=to, sig=sig
        )
    except scans.ScanRequestError as error:
        raise _problem(error) from None
    return Response(data, media_type=content_type, headers={"Cache-Control": "private, no-store"})


@router.get(
    "/titles/{work_code}",
    summary="Титульный лист работы (только оргкомитет по кодированию)",
    response_class=Response,
)
async def title(
    olympiad_id: uuid.UUID, work_code: str, who: AnyCodingOfficer, desk: Desk, uows: Uows
) -> Response:
    try:
        data, content_type, count = await scans.title_page(desk, uows, olympiad_id, work_code, who)
    except (scans.ScanRequestError, MistypedCode) as error:
        raise _problem(error) from None
    return Response(
        data,
        media_type=content_type,
        headers={"Cache-Control": "no-store", "X-Title-Pages": str(count)},
    )
