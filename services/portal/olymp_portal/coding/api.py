"""The coding officer's screens: the manual queue, the pages decided in it, and decoding.

The queue shows its pages as a strip of thumbnails, answer pages and title pages apart, and one
page large with its form: a code typed or one of the suggested works, a draft (§45), or a page of
no work; each decision can be taken back («Вернуть в очередь»). Keyboard first
(static/js/coding.js): r turns the page, PageDown/PageUp move along the strip, c puts the cursor in
the code field, 1–5 choose a suggestion, ? lists the keys. A refusal comes back on the same page
with what was typed kept. The decoding screen shows each subject and grade's gate — how many works,
which are not checked — and decodes after a confirmation.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request, Response
from fastapi.responses import HTMLResponse

from olymp_core.auth import Role, authorize
from olymp_portal.coding import handlers
from olymp_portal.coding.handlers import ASIDE, KINDS
from olymp_portal.pages import Names, Page, PageContext, redirect, render

router = APIRouter(
    prefix="/coding", dependencies=[Depends(authorize(Role.PUBLIC))], include_in_schema=False
)
Grade = Annotated[int, Path(ge=1, le=11)]


@dataclass(frozen=True)
class Notice:
    """What became of the officer's last action, above the large page."""

    text: str
    undo: uuid.UUID | None = None  # the page the action can be taken back on
    alert: bool = False  # a refusal


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


@router.get("", response_class=HTMLResponse)
async def choose(request: Request, page: Page) -> Response:
    page.require(Role.CODING_OFFICER)
    return render(
        request,
        "coding/choose.html",
        **page.values(),
        olympiads=await handlers.olympiads(page.caller),
    )


async def _queue(
    request: Request,
    page: PageContext,
    olympiad_id: uuid.UUID,
    *,
    show: uuid.UUID | None = None,
    after: list[uuid.UUID] | None = None,
    status: int = 200,
    **card: Any,
) -> Response:
    """The queue with one page large: the whole screen, or for htmx the large page and the strip."""
    pages = await handlers.manual_queue(page.caller, olympiad_id)
    screen = handlers.queue_screen(pages, show=show, after=after)
    values: dict[str, Any] = {
        "olympiad_id": olympiad_id,
        "screen": screen,
        "kinds": KINDS,
        "aside": ASIDE,
        "csrf": page.visitor.csrf,
        "notice": None,
        "error": None,
        "typed": None,
        "kind": None,
        "rotation": None,
        **card,
    }
    if _htmx(request):
        return render(request, "coding/_current.html", status=status, oob=True, **values)
    values.update(page.values())
    return render(
        request,
        "coding/queue.html",
        status=status,
        olympiad=await handlers.olympiad(page.caller, olympiad_id),
        **values,
    )


@router.get("/{olympiad_id}", response_class=HTMLResponse)
async def queue(request: Request, page: Page, olympiad_id: uuid.UUID) -> Response:
    """The queue; `?page=` names the page shown large (the address a thumbnail leads to)."""
    page.require(Role.CODING_OFFICER)
    return await _queue(request, page, olympiad_id, show=_page_param(request))


def _page_param(request: Request) -> uuid.UUID | None:
    # a page no longer in the queue (or a mangled address) shows the first one instead
    try:
        return uuid.UUID(request.query_params.get("page", ""))
    except ValueError:
        return None


@router.get("/{olympiad_id}/scans/{page_id}", response_class=HTMLResponse)
async def queued_page(
    request: Request, page: Page, olympiad_id: uuid.UUID, page_id: uuid.UUID
) -> Response:
    """One page large (htmx swaps it in from the strip); without htmx, the queue at that page."""
    page.require(Role.CODING_OFFICER)
    if not _htmx(request):
        return redirect(request, f"/coding/{olympiad_id}?page={page_id}")
    return await _queue(request, page, olympiad_id, show=page_id)


@router.get("/{olympiad_id}/scans/{page_id}/image")
async def image(page: Page, olympiad_id: uuid.UUID, page_id: uuid.UUID) -> Response:
    page.require(Role.CODING_OFFICER)
    data, media_type = await handlers.image(page.caller, olympiad_id, page_id)
    return Response(data, media_type=media_type, headers={"Cache-Control": "private, no-store"})


@router.get("/{olympiad_id}/scans/{page_id}/thumbnail")
async def thumbnail(page: Page, olympiad_id: uuid.UUID, page_id: uuid.UUID) -> Response:
    page.require(Role.CODING_OFFICER)
    data, media_type = await handlers.image(page.caller, olympiad_id, page_id, "thumbnail")
    # a page's image never changes: the strip is redrawn after every decision without fetching
    # (and auditing) each thumbnail again
    return Response(data, media_type=media_type, headers={"Cache-Control": "private, max-age=600"})


async def _before(page: PageContext, olympiad_id: uuid.UUID) -> handlers.QueueScreen:
    return handlers.queue_screen(await handlers.manual_queue(page.caller, olympiad_id))


def _source(screen: handlers.QueueScreen, page_id: uuid.UUID) -> str:
    found = next((p for p in screen.pages if p.page_id == page_id), None)
    return f"«{found.source}»" if found else ""


@router.post("/{olympiad_id}/scans/{page_id}/assignment", response_class=HTMLResponse)
async def assign(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    page_id: uuid.UUID,
    work_code: Annotated[str, Form()] = "",
    suggested: Annotated[str, Form()] = "",
    subject_code: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "answer",
    rotation: Annotated[str, Form()] = "0",
) -> Response:
    """Assign the large page to a work (typed, or a suggestion's button); then the next page."""
    page.require(Role.CODING_OFFICER)
    typed = suggested or work_code
    code = typed.strip().upper()
    turn = handlers.rotation_of(rotation)
    before = await _before(page, olympiad_id)
    error = await handlers.assign(
        page.caller,
        olympiad_id,
        page_id,
        work_code=code,
        subject_code=subject_code,
        kind=kind,
        rotation=turn,
    )
    if error:
        return await _queue(
            request,
            page,
            olympiad_id,
            show=page_id,
            status=422,
            error=error,
            typed=typed,
            kind=kind,
            rotation=turn,
        )
    what = "титульный лист" if kind == "title" else "страница"
    notice = Notice(
        f"{what.capitalize()} {_source(before, page_id)} привязан{'' if kind == 'title' else 'а'} "
        f"к работе {code}.",
        undo=page_id,
    )
    return await _queue(
        request,
        page,
        olympiad_id,
        show=page_id,
        after=[p.page_id for p in before.pages],
        notice=notice,
    )


@router.post("/{olympiad_id}/scans/{page_id}/resolution", response_class=HTMLResponse)
async def set_aside(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    page_id: uuid.UUID,
    resolution: Annotated[str, Form()] = "",
    rotation: Annotated[str, Form()] = "0",
) -> Response:
    """Mark the large page a draft or a page of no work; then the next page."""
    page.require(Role.CODING_OFFICER)
    turn = handlers.rotation_of(rotation)
    before = await _before(page, olympiad_id)
    error = await handlers.set_aside(page.caller, olympiad_id, page_id, resolution, turn)
    if error:
        return await _queue(
            request, page, olympiad_id, show=page_id, status=422, error=error, rotation=turn
        )
    notice = Notice(f"Страница {_source(before, page_id)}: {ASIDE[resolution]}.", undo=page_id)
    return await _queue(
        request,
        page,
        olympiad_id,
        show=page_id,
        after=[p.page_id for p in before.pages],
        notice=notice,
    )


@router.post("/{olympiad_id}/scans/{page_id}/return", response_class=HTMLResponse)
async def take_back(
    request: Request,
    page: Page,
    names: Names,
    olympiad_id: uuid.UUID,
    page_id: uuid.UUID,
    from_list: Annotated[str, Form()] = "",
) -> Response:
    """Return a decided page to the queue and show it large, to decide again."""
    page.require(Role.CODING_OFFICER)
    error = await handlers.take_back(page.caller, olympiad_id, page_id)
    if from_list:
        if error:
            return await _resolved(
                request, page, olympiad_id, names, status=422, refused=(page_id, error)
            )
        return redirect(request, f"/coding/{olympiad_id}?page={page_id}")
    if error:
        return await _queue(
            request, page, olympiad_id, status=422, notice=Notice(error, alert=True)
        )
    return await _queue(
        request,
        page,
        olympiad_id,
        show=page_id,
        notice=Notice("Страница возвращена в очередь: решите заново."),
    )


async def _resolved(
    request: Request,
    page: PageContext,
    olympiad_id: uuid.UUID,
    names: dict[str, str],
    *,
    status: int = 200,
    refused: tuple[uuid.UUID, str] | None = None,
) -> Response:
    return render(
        request,
        "coding/resolved.html",
        status=status,
        **page.values(),
        names=names,
        olympiad=await handlers.olympiad(page.caller, olympiad_id),
        olympiad_id=olympiad_id,
        pages=await handlers.resolved_pages(page.caller, olympiad_id),
        kinds=KINDS,
        refused=dict([refused]) if refused else {},
    )


@router.get("/{olympiad_id}/resolved", response_class=HTMLResponse)
async def resolved(request: Request, page: Page, names: Names, olympiad_id: uuid.UUID) -> Response:
    """The pages decided in the queue, latest first, each with «Вернуть в очередь» while it can."""
    page.require(Role.CODING_OFFICER)
    return await _resolved(request, page, olympiad_id, names)


@router.get("/{olympiad_id}/decoding", response_class=HTMLResponse)
async def decoding(request: Request, page: Page, names: Names, olympiad_id: uuid.UUID) -> Response:
    page.require(Role.CODING_OFFICER)
    return await _decoding(request, page, names, olympiad_id)


async def _decoding(
    request: Request,
    page: PageContext,
    names: dict[str, str],
    olympiad_id: uuid.UUID,
    status: int = 200,
    **row: Any,
) -> Response:
    by_subject: dict[str, list[handlers.GradeGate]] = defaultdict(list)
    for gate in await handlers.decoding_overview(page.caller, olympiad_id):
        by_subject[gate.subject_code].append(gate)
    return render(
        request,
        "coding/decoding.html",
        status=status,
        **page.values(),
        olympiad=await handlers.olympiad(page.caller, olympiad_id),
        olympiad_id=olympiad_id,
        subjects=dict(by_subject),
        row=row,
        names=names,
    )


async def _grade_row(
    request: Request,
    page: PageContext,
    names: dict[str, str],
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: int,
    status: int = 200,
    **row: Any,
) -> Response:
    """The grade's row (htmx swaps it), or the whole screen with that row in its state."""
    row = {"key": (subject_code, grade), **row}
    if not _htmx(request):
        return await _decoding(request, page, names, olympiad_id, status, **row)
    gate = await handlers.grade_gate(page.caller, olympiad_id, subject_code, grade)
    if gate is None:
        return await _decoding(request, page, names, olympiad_id, 404)
    return render(
        request,
        "coding/_grade.html",
        status=status,
        olympiad_id=olympiad_id,
        g=gate,
        row=row,
        names=names,
        csrf=page.visitor.csrf,
    )


@router.get("/{olympiad_id}/decoding/{subject_code}/{grade}", response_class=HTMLResponse)
async def grade_row(
    request: Request,
    page: Page,
    names: Names,
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
) -> Response:
    """A grade's row as it stands (the confirmation's «Отмена»)."""
    page.require(Role.CODING_OFFICER)
    return await _grade_row(request, page, names, olympiad_id, subject_code, grade)


@router.post("/{olympiad_id}/decoding/{subject_code}/{grade}", response_class=HTMLResponse)
async def decode(
    request: Request,
    page: Page,
    names: Names,
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    confirmed: Annotated[str, Form()] = "",
) -> Response:
    """«Декодировать» asks first; «Да, декодировать» (confirmed) decodes, or shows why not."""
    page.require(Role.CODING_OFFICER)
    if confirmed != "yes":
        return await _grade_row(request, page, names, olympiad_id, subject_code, grade, asking=True)
    error = await handlers.decode(page.caller, olympiad_id, subject_code, grade)
    if error:
        return await _grade_row(
            request, page, names, olympiad_id, subject_code, grade, status=422, error=error
        )
    return await _grade_row(request, page, names, olympiad_id, subject_code, grade, done=True)
