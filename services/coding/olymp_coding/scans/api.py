"""HTTP API of scanning: the station's upload, the manual queue, labels, jury links, title pages."""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response

from olymp_coding.api import CodingOfficer, SubjectCode
from olymp_coding.domain import InvalidSubject
from olymp_coding.scans import handlers
from olymp_coding.scans.domain import (
    GradeDecoded,
    LinkRefused,
    PageAlreadyAssigned,
    PageNotFound,
    PageNotQueued,
    PageNotReturnable,
    Resolution,
    ScanError,
    ScanTooLarge,
    SubjectNotCoded,
    UnknownWorkCode,
    WrongSubject,
    upright_rotation,
)
from olymp_coding.scans.handlers import ScanDesk
from olymp_coding.scans.schemas import (
    AssignedPageRead,
    AssignmentCreate,
    ManualPageRead,
    ManualQueue,
    OwnWorkRead,
    OwnWorks,
    PageLinkRead,
    PageOutcomeRead,
    PageStateRead,
    ResolutionCreate,
    ResolvedPageRead,
    ResolvedPages,
    SuggestionRead,
    UploadRead,
    WorkPages,
)
from olymp_coding.scans.store import ScannedPage
from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.dependencies import Uow, context
from olymp_core.errors import ErrorMap
from olymp_core.pdf_fonts import FontMissing
from olymp_core.request_limits import body_limit
from olymp_core.subjects import UnknownSubject, subject

PDF_MEDIA_TYPE = "application/pdf"
MAX_UPLOAD_BYTES = 1 << 30  # a 300-page colour PDF at 300 dpi stays well below this
# The body is written to its file in pieces of this size: what one upload holds in memory.
_SPOOL_PIECE = 1 << 20

router = APIRouter(prefix="/olympiads/{olympiad_id}", tags=["scans"])

# OutOfScope is a NotPermitted: 403 by the core's map. A mistyped code is coding's MistypedCode.
ERRORS: ErrorMap = {
    ScanError: 422,
    ScanTooLarge: 413,
    PageNotFound: 404,
    PageAlreadyAssigned: 409,
    PageNotQueued: 409,
    PageNotReturnable: 409,
    GradeDecoded: 409,
    WrongSubject: 409,
    UnknownWorkCode: 422,
    LinkRefused: 403,
    SubjectNotCoded: 409,
    FontMissing: 503,
}

Scanner = Annotated[
    Principal,
    Depends(authorize(Role.SCANNER, scope=ScopeRule(ScopeKind.SUBJECT, "subject_code"))),
]
AnyCodingOfficer = Annotated[Principal, Depends(authorize(Role.CODING_OFFICER))]
# the jury; the regional coordinator the works they asked to re-check (§21, checked per work);
# the appeal commission the works of decoded grades (§108)
PageReader = Annotated[
    Principal,
    Depends(authorize(Role.JURY_MEMBER, Role.JURY_CHAIR, Role.COORDINATOR, Role.APPEAL_MEMBER)),
]
# a participant signed in with their access code, pinned to themselves (§91)
Participant = Annotated[
    Principal,
    Depends(
        authorize(
            Role.PARTICIPANT,
            scope=ScopeRule(ScopeKind.PARTICIPANT, "participant_id", required=True),
        )
    ),
]
# The link's signature is the credential: an <img> cannot carry a bearer token.
LinkHolder = Annotated[Principal, Depends(authorize(Role.PUBLIC))]
Desk = Annotated[ScanDesk, Depends(context(ScanDesk))]


def _subject_code(code: str) -> str:
    # A subject named in the request (not in the address): the request is wrong, not the address.
    try:
        return subject(code).code
    except UnknownSubject as exc:
        raise InvalidSubject(str(exc)) from None


async def _station_subject(
    subject_code: Annotated[str, Query(description="Предмет, который сканирует станция")],
) -> str:
    return _subject_code(subject_code)


async def _file_name(
    filename: Annotated[str, Query(min_length=1, max_length=255, description="Имя файла скана")],
) -> str:
    # The station sends its own path; only the last part names the file.
    return filename.replace("\\", "/").rsplit("/", 1)[-1] or filename


FileName = Annotated[str, Depends(_file_name)]


async def _spooled_body(request: Request) -> AsyncIterator[Path]:
    """The request body in a temporary file, removed after the response (M6: an upload is never
    held in memory whole, let alone twice). The route's `body_limit` refuses a body declared or
    grown past `MAX_UPLOAD_BYTES` before more of it is read."""
    descriptor, spooled = await asyncio.to_thread(tempfile.mkstemp, prefix="olymp-scan-")
    path = Path(spooled)
    try:
        with os.fdopen(descriptor, "wb") as out:
            piece = bytearray()
            async for chunk in request.stream():
                piece += chunk
                if len(piece) >= _SPOOL_PIECE:
                    await asyncio.to_thread(out.write, piece)
                    piece.clear()
            await asyncio.to_thread(out.write, piece)
        yield path
    finally:
        await asyncio.to_thread(path.unlink, missing_ok=True)


SpooledBody = Annotated[Path, Depends(_spooled_body)]


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
@body_limit(MAX_UPLOAD_BYTES)
async def upload_scan(
    olympiad_id: uuid.UUID,
    name: FileName,
    subject_code: Annotated[str, Depends(_station_subject)],
    who: Scanner,
    body: SpooledBody,
    desk: Desk,
    uow: Uow,
) -> UploadRead:
    command = handlers.Upload(olympiad_id, subject_code, name, body)
    report = await handlers.ingest(command, uow, who, desk=desk)
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


def _image_url(olympiad_id: uuid.UUID, page_id: uuid.UUID, size: str = "image") -> str:
    return f"/olympiads/{olympiad_id}/scans/{page_id}/{size}"


def _page_state(page: ScannedPage) -> PageStateRead:
    resolution = Resolution(page.resolution) if page.resolution else None
    return PageStateRead(
        page_id=page.page_id,
        kind=page.kind,
        queue_state=page.queue_state,
        resolution=resolution,
        resolution_label=resolution.label if resolution else None,
        work_code=page.work_code,
    )


@router.get("/scans/manual", summary="Очередь страниц, ожидающих ручной привязки к работе")
async def manual_queue(olympiad_id: uuid.UUID, who: AnyCodingOfficer, uow: Uow) -> ManualQueue:
    queued = await handlers.manual_queue(olympiad_id, uow, who)
    return ManualQueue(
        pages=[
            ManualPageRead(
                page_id=item.page.page_id,
                kind=item.page.kind,
                code_read=item.page.code_read,
                reason=item.page.routing_reason,
                station_subject=item.page.station_subject,
                source_file=item.page.source_file,
                source_page=item.page.source_page,
                uploaded_at=item.page.uploaded_at,
                rotation=upright_rotation(item.page.orientation),
                suggestions=[
                    SuggestionRead(work_code=s.work_code, reason=s.reason) for s in item.suggestions
                ],
                image_url=_image_url(olympiad_id, item.page.page_id),
                thumbnail_url=_image_url(olympiad_id, item.page.page_id, "thumbnail"),
            )
            for item in queued
        ]
    )


@router.get(
    "/scans/resolved",
    summary="Страницы, разобранные в очереди (последние 200): что решено, кем и можно ли вернуть",
)
async def resolved_pages(olympiad_id: uuid.UUID, who: AnyCodingOfficer, uow: Uow) -> ResolvedPages:
    settled = await handlers.resolved_pages(olympiad_id, uow, who)
    pages = []
    for item in settled:
        page = item.page
        assert page.resolution and page.resolved_at and page.resolved_by
        resolution = Resolution(page.resolution)
        pages.append(
            ResolvedPageRead(
                page_id=page.page_id,
                kind=page.kind,
                resolution=resolution,
                resolution_label=resolution.label,
                work_code=page.work_code,
                grade=item.grade,
                station_subject=page.station_subject,
                source_file=page.source_file,
                source_page=page.source_page,
                resolved_at=page.resolved_at,
                resolved_by=page.resolved_by,
                returnable=item.returnable,
                why_not=item.why_not,
                thumbnail_url=_image_url(olympiad_id, page.page_id, "thumbnail"),
            )
        )
    return ResolvedPages(pages=pages)


_JPEG: dict[int | str, dict[str, Any]] = {200: {"content": {"image/jpeg": {}}}}


@router.get(
    "/scans/{page_id}/image",
    summary="Изображение загруженной страницы (оргкомитет, для ручной привязки)",
    response_class=Response,
)
async def page_image(
    olympiad_id: uuid.UUID, page_id: uuid.UUID, who: AnyCodingOfficer, desk: Desk, uow: Uow
) -> Response:
    image = await handlers.view_page(handlers.ViewPage(olympiad_id, page_id), uow, who, desk=desk)
    return Response(
        image.data, media_type=image.content_type, headers={"Cache-Control": "no-store"}
    )


@router.get(
    "/scans/{page_id}/thumbnail",
    summary="Уменьшенное изображение страницы (оргкомитет, для ленты очереди)",
    response_class=Response,
    responses=_JPEG,
)
async def page_thumbnail(
    olympiad_id: uuid.UUID, page_id: uuid.UUID, who: AnyCodingOfficer, desk: Desk, uow: Uow
) -> Response:
    command = handlers.ViewPage(olympiad_id, page_id)
    image = await handlers.page_thumbnail(command, uow, who, desk=desk)
    return Response(
        image.data, media_type=image.content_type, headers={"Cache-Control": "no-store"}
    )


@router.post("/scans/{page_id}/assignment", summary="Привязать страницу из очереди к работе")
async def assign_page(
    olympiad_id: uuid.UUID,
    page_id: uuid.UUID,
    body: Annotated[AssignmentCreate, Body()],
    who: AnyCodingOfficer,
    desk: Desk,
    uow: Uow,
) -> AssignedPageRead:
    command = handlers.AssignPage(
        olympiad_id,
        page_id,
        body.work_code,
        _subject_code(body.subject_code),
        body.kind,
        body.rotation,
    )
    page = await handlers.assign_page(command, uow, who, desk=desk)
    assert page.work_code is not None
    return AssignedPageRead(
        page_id=page.page_id, work_code=page.work_code, kind=page.kind, queue_state=page.queue_state
    )


@router.post(
    "/scans/{page_id}/resolution",
    summary="Отметить страницу из очереди как черновик (п. 45) или не относящуюся ни к одной работе",
)
async def set_page_aside(
    olympiad_id: uuid.UUID,
    page_id: uuid.UUID,
    body: Annotated[ResolutionCreate, Body()],
    who: AnyCodingOfficer,
    uow: Uow,
) -> PageStateRead:
    command = handlers.SetPageAside(
        olympiad_id, page_id, Resolution(body.resolution), body.rotation
    )
    return _page_state(await handlers.set_page_aside(command, uow, who))


@router.delete(
    "/scans/{page_id}/resolution",
    summary="Вернуть разобранную страницу в очередь (привязанную — до декодирования её класса)",
)
async def return_page(
    olympiad_id: uuid.UUID, page_id: uuid.UUID, who: AnyCodingOfficer, uow: Uow
) -> PageStateRead:
    command = handlers.ReturnPage(olympiad_id, page_id)
    return _page_state(await handlers.return_page(command, uow, who))


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
    uow: Uow,
    grade: Annotated[int | None, Query(ge=1, le=11)] = None,
) -> Response:
    pdf = await handlers.label_sheets(olympiad_id, subject_code, grade, uow)
    suffix = f"-{grade}" if grade else ""
    return Response(
        pdf,
        media_type=PDF_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="labels-{subject_code}{suffix}.pdf"'
        },
    )


@router.get(
    "/works/{work_code}/pages",
    summary="Страницы работы по шифру (для жюри)",
    description="Answer pages only, each with a short-lived link, every link audited. The regional"
    " coordinator gets the pages of the works they asked scoring to re-check (§21) and no others"
    " (403); the appeal commission those of decoded grades (§108).",
)
async def work_pages(
    olympiad_id: uuid.UUID, work_code: str, who: PageReader, desk: Desk, uow: Uow
) -> WorkPages:
    command = handlers.IssuePageLinks(olympiad_id, work_code)
    links = await handlers.issue_page_links(command, uow, who, desk=desk)
    return WorkPages(
        work_code=work_code,
        pages=[
            PageLinkRead(
                page_id=link.page_id,
                sheet=link.sheet,
                url=link.url,
                expires_at=link.expires_at,
                rotation=link.rotation,
            )
            for link in links
        ],
    )


@router.get(
    "/participants/{participant_id}/works",
    summary="Свои проверенные работы участника: страницы с ответами (после декодирования)",
)
async def own_works(
    olympiad_id: uuid.UUID, participant_id: uuid.UUID, who: Participant, desk: Desk, uow: Uow
) -> OwnWorks:
    found = await handlers.participant_pages(olympiad_id, participant_id, uow, who, desk=desk)
    return OwnWorks(
        works=[
            OwnWorkRead(
                subject_code=work.subject_code,
                grade=work.grade,
                pages=[
                    PageLinkRead(
                        page_id=link.page_id,
                        sheet=link.sheet,
                        url=link.url,
                        expires_at=link.expires_at,
                        rotation=link.rotation,
                    )
                    for link in work.pages
                ],
            )
            for work in found
        ]
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
    uow: Uow,
) -> Response:
    command = handlers.ReadSignedPage(olympiad_id, page_id, expires, to, sig)
    image = await handlers.read_signed_page(command, uow, desk=desk)
    return Response(
        image.data, media_type=image.content_type, headers={"Cache-Control": "private, no-store"}
    )


@router.get(
    "/titles/{work_code}",
    summary="Титульный лист работы (только оргкомитет по кодированию)",
    response_class=Response,
)
async def title(
    olympiad_id: uuid.UUID, work_code: str, who: AnyCodingOfficer, desk: Desk, uow: Uow
) -> Response:
    command = handlers.ReadTitlePage(olympiad_id, work_code)
    found = await handlers.read_title_page(command, uow, who, desk=desk)
    return Response(
        found.data,
        media_type=found.content_type,
        headers={"Cache-Control": "no-store", "X-Title-Pages": str(found.count)},
    )
