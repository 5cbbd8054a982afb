"""The coding officer's manual queue: each page large enough to read its code, assigned with the
keyboard (the code field, Enter); the page leaves the queue when coding accepts it."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse

from olymp_core.auth import Role, authorize
from olymp_portal.coding import handlers
from olymp_portal.coding.handlers import KINDS
from olymp_portal.pages import Page, render

router = APIRouter(
    prefix="/coding", dependencies=[Depends(authorize(Role.PUBLIC))], include_in_schema=False
)


@router.get("", response_class=HTMLResponse)
async def choose(request: Request, page: Page) -> Response:
    page.require(Role.CODING_OFFICER)
    return render(
        request,
        "coding/choose.html",
        **page.values(),
        olympiads=await handlers.olympiads(page.caller),
    )


@router.get("/{olympiad_id}", response_class=HTMLResponse)
async def queue(request: Request, page: Page, olympiad_id: uuid.UUID) -> Response:
    page.require(Role.CODING_OFFICER)
    pages = await handlers.manual_queue(page.caller, olympiad_id)
    olympiads = {o.olympiad_id: o for o in await handlers.olympiads(page.caller)}
    return render(
        request,
        "coding/queue.html",
        **page.values(),
        olympiad=olympiads.get(olympiad_id),
        olympiad_id=olympiad_id,
        pages=pages,
        kinds=KINDS,
    )


@router.get("/{olympiad_id}/scans/{page_id}/image")
async def image(page: Page, olympiad_id: uuid.UUID, page_id: uuid.UUID) -> Response:
    page.require(Role.CODING_OFFICER)
    data, media_type = await handlers.image(page.caller, olympiad_id, page_id)
    return Response(data, media_type=media_type, headers={"Cache-Control": "private, no-store"})


@router.post("/{olympiad_id}/scans/{page_id}/assignment", response_class=HTMLResponse)
async def assign(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    page_id: uuid.UUID,
    work_code: Annotated[str, Form()] = "",
    subject_code: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "answer",
) -> Response:
    """Assign one page; htmx replaces its card with the result (or the refusal, code kept)."""
    page.require(Role.CODING_OFFICER)
    code = work_code.strip().upper()
    error = await handlers.assign(page.caller, olympiad_id, page_id, code, subject_code, kind)
    queued = next(
        (p for p in await handlers.manual_queue(page.caller, olympiad_id) if p.page_id == page_id),
        None,
    )
    return render(
        request,
        "coding/_page.html",
        status=422 if error else 200,
        olympiad_id=olympiad_id,
        item=queued,
        page_id=page_id,
        error=error,
        typed=work_code,
        kind=kind,
        kinds=KINDS,
        assigned=None if error else code,
    )
