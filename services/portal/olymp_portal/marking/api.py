"""The jury's marking screens: choose a subject and grade, then mark work after work.

Keyboard first (static/js/marking.js): Enter saves and opens the next work, Esc gives the work back,
PageUp/PageDown turn pages, +/−/0 zoom, r rotates, ? lists the keys. A refused marking comes back
with the typed points in their fields and the refused field named; nothing typed is lost.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import HTMLResponse

from olymp_core.auth import Role, authorize
from olymp_core.dependencies import Uow
from olymp_portal import handlers as portal_handlers
from olymp_portal.marking import handlers
from olymp_portal.marking.handlers import SubjectGradeRef
from olymp_portal.pages import Names, Page, PageContext, redirect, render

router = APIRouter(
    prefix="/marking", dependencies=[Depends(authorize(Role.PUBLIC))], include_in_schema=False
)
JURY = (Role.JURY_MEMBER, Role.JURY_CHAIR)


async def _subject_grade(
    olympiad_id: uuid.UUID, subject_code: str, grade: Annotated[int, Path(ge=1, le=11)]
) -> SubjectGradeRef:
    return SubjectGradeRef(olympiad_id, subject_code, grade)


# the subject and grade an address names: /…/{olympiad_id}/{subject_code}/{grade}/…
SubjectGradeAt = Annotated[SubjectGradeRef, Depends(_subject_grade)]


@router.get("", response_class=HTMLResponse)
async def choose(request: Request, page: Page) -> Response:
    page.require(*JURY)
    # a subject and grade is marked once its criteria are set (the chair's first step)
    offers = [offer for offer in await handlers.offers(page.caller) if offer.criteria_set]
    return render(request, "marking/choose.html", **page.values(), offers=offers)


@router.get("/{olympiad_id}/{subject_code}/{grade}", response_class=HTMLResponse)
async def queue(
    request: Request,
    page: Page,
    names: Names,
    ref: SubjectGradeAt,
) -> Response:
    page.require(*JURY)
    progress = await handlers.my_progress(page.caller, ref)
    return render(
        request, "marking/queue.html", **page.values(), ref=ref, progress=progress, names=names
    )


@router.get("/{olympiad_id}/{subject_code}/{grade}/progress", response_class=HTMLResponse)
async def progress_panel(
    request: Request,
    page: Page,
    names: Names,
    ref: SubjectGradeAt,
) -> Response:
    """The progress panel alone (htmx refreshes it)."""
    page.require(*JURY)
    progress = await handlers.my_progress(page.caller, ref)
    return render(request, "marking/_progress.html", ref=ref, progress=progress, names=names)


@router.post("/{olympiad_id}/{subject_code}/{grade}/next")
async def next_work(request: Request, page: Page, ref: SubjectGradeAt) -> Response:
    page.require(*JURY)
    return await _open_next(request, page, ref)


async def _open_next(request: Request, page: PageContext, ref: SubjectGradeRef) -> Response:
    claim = await handlers.take_work(page.caller, ref)
    if claim is None:
        return redirect(request, ref.page + "?done=1")
    return redirect(request, f"{ref.page}/works/{claim.work_code}")


@router.get("/{olympiad_id}/{subject_code}/{grade}/works/{work_code}", response_class=HTMLResponse)
async def work(
    request: Request,
    page: Page,
    uow: Uow,
    ref: SubjectGradeAt,
    work_code: str,
) -> Response:
    page.require(*JURY)
    # the work held by this member, whatever the address says: a work is the server's decision
    claim = await handlers.held_work(page.caller, ref, work_code)
    if claim is None:
        return redirect(request, ref.page + "?done=1")
    if claim.work_code != work_code:
        return redirect(request, f"{ref.page}/works/{claim.work_code}")
    screen = await handlers.work_screen(page.caller, ref, claim)
    return render(
        request,
        "marking/work.html",
        **page.values(),
        screen=screen,
        typed={},
        notes=handlers.NotesField(),
        errors={},
        # names are shown only with the earlier rounds, to a third member
        names=await portal_handlers.names(uow) if screen.rounds else {},
    )


@router.post("/{olympiad_id}/{subject_code}/{grade}/works/{work_code}")
async def save(
    request: Request,
    page: Page,
    uow: Uow,
    ref: SubjectGradeAt,
    work_code: str,
) -> Response:
    page.require(*JURY)
    form = await request.form()
    typed = handlers.typed_points(form)
    notes = handlers.typed_notes(form)
    errors = await handlers.record_marks(page.caller, ref, work_code, typed, notes)
    if not errors:
        return await _open_next(request, page, ref)
    claim = await handlers.take_work(page.caller, ref)
    if claim is None or claim.work_code != work_code:
        # the claim expired and the work went to others, or its checking ended meanwhile
        return render(
            request,
            "error.html",
            status=409,
            **page.values(),
            title="Работа больше не закреплена за вами",
            detail=(
                f"Баллы за работу {work_code} не записаны: "
                + "; ".join(errors.values())
                + " Откройте следующую работу."
            ),
            back=ref.page,
        )
    screen = await handlers.work_screen(page.caller, ref, claim)
    return render(
        request,
        "marking/work.html",
        status=422,
        **page.values(),
        screen=screen,
        typed={n: f.text for n, f in typed.items()},
        notes=notes,
        errors=errors,
        names=await portal_handlers.names(uow) if screen.rounds else {},
    )


@router.post("/{olympiad_id}/{subject_code}/{grade}/works/{work_code}/release")
async def release(
    request: Request,
    page: Page,
    ref: SubjectGradeAt,
    work_code: str,
) -> Response:
    page.require(*JURY)
    await handlers.release_work(page.caller, ref.olympiad_id, work_code)
    return redirect(request, ref.page)
