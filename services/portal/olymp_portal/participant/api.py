"""The participant's pages and the organiser's access codes (§91, §95–98, §113).

The organiser (the municipal coordinator) issues each participant a personal access code, printed
on a slip; the participant types it at /login/code and sees their own works: points per task, the
answer pages, the analysis and show, and the appeal form while the window is open (§96), then
the commission's decision. A refused appeal comes back with the statement and the tasks kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse

from olymp_core.auth import Role, authorize
from olymp_core.db import UnitOfWork
from olymp_core.dependencies import Uow
from olymp_core.errors import NotPermitted
from olymp_portal.api import session_started
from olymp_portal.domain import LoginThrottle
from olymp_portal.materials.handlers import criteria_files
from olymp_portal.pages import (
    LOGIN_CSRF_COOKIE,
    Page,
    PageContext,
    Settings,
    check_login_csrf,
    login_csrf,
    redirect,
    render,
    set_login_csrf,
    subject_name,
)
from olymp_portal.participant import handlers

router = APIRouter(dependencies=[Depends(authorize(Role.PUBLIC))], include_in_schema=False)


@router.get("/login/code", response_class=HTMLResponse)
async def code_form(request: Request) -> Response:
    token = login_csrf(request)
    response = render(request, "participant/login.html", csrf=token, error=None)
    set_login_csrf(response, token, request)
    return response


@router.post("/login/code", response_class=HTMLResponse, dependencies=[Depends(check_login_csrf)])
async def code_sign_in(
    request: Request, uow: Uow, settings: Settings, code: Annotated[str, Form()] = ""
) -> Response:
    window = dt.timedelta(minutes=settings.login_window_minutes)
    address = request.client.host if request.client else "-"
    signed = await handlers.sign_in_with_code(
        code,
        address,
        uow,
        throttle=LoginThrottle(settings.login_max_failures_per_address, window),
    )
    response = session_started(request, signed, settings, "/participant")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


async def _participant_page(
    request: Request,
    page: PageContext,
    uow: UnitOfWork,
    *,
    status: int = 200,
    error: str | None = None,
    typed: dict[str, Any] | None = None,
    notice: str | None = None,
) -> Response:
    page.require(Role.PARTICIPANT)
    participant_id = handlers.participant_of(page.grant)
    own = await handlers.own_code(page.visitor.account.login, uow)
    if own is None:
        return redirect(request, "/login/code")
    screen = await handlers.results.participant_screen(
        page.caller, own.olympiad_id, participant_id, dt.datetime.now(dt.UTC)
    )
    return render(
        request,
        "participant/home.html",
        status=status,
        **page.values(),
        screen=screen,
        error=error,
        typed=typed or {},
        notice=notice,
    )


@router.get("/participant", response_class=HTMLResponse)
async def participant_home(
    request: Request, page: Page, uow: Uow, filed: str | None = None
) -> Response:
    notice = None
    if filed:
        notice = (
            "Заявление на апелляцию принято. Решение апелляционной комиссии появится на этой "
            "странице."
        )
    return await _participant_page(request, page, uow, notice=notice)


@router.post("/participant/appeals", response_class=HTMLResponse)
async def file_appeal(
    request: Request,
    page: Page,
    uow: Uow,
    subject_code: Annotated[str, Form()],
    statement: Annotated[str, Form()] = "",
    tasks: Annotated[list[int] | None, Form()] = None,
    review_without_participant: Annotated[bool, Form()] = False,
) -> Response:
    page.require(Role.PARTICIPANT)
    own = await handlers.own_code(page.visitor.account.login, uow)
    if own is None:
        return redirect(request, "/login/code")
    typed = {
        "subject_code": subject_code,
        "statement": statement,
        "tasks": set(tasks or ()),
        "review_without_participant": review_without_participant,
    }
    refused = await handlers.results.file_appeal(
        page.caller,
        own.olympiad_id,
        handlers.participant_of(page.grant),
        subject_code,
        sorted(tasks or ()),
        statement,
        review_without_participant,
    )
    if refused is not None:
        return await _participant_page(
            request, page, uow, status=refused.status, error=refused.detail, typed=typed
        )
    return redirect(request, f"/participant?filed={subject_code}")


@router.get("/participant/criteria/{subject_code}")
async def criteria(request: Request, page: Page, uow: Uow, subject_code: str) -> Response:
    """The released criteria of the participant's subject, as materials gives them (§91)."""
    page.require(Role.PARTICIPANT)
    own = await handlers.own_code(page.visitor.account.login, uow)
    if own is None:
        return redirect(request, "/login/code")
    # materials cannot tell a participant's subjects (handlers.criteria there): checked here
    participant_id = handlers.participant_of(page.grant)
    if subject_code not in await handlers.results.own_subjects(
        page.caller, own.olympiad_id, participant_id
    ):
        raise NotPermitted(
            f"Среди ваших работ нет работы по предмету «{subject_name(subject_code)}»: "
            "критерии оценивания выдаются только по предметам, по которым вы участвовали."
        )
    found = await criteria_files(page.caller, own.olympiad_id, subject_code)
    return Response(
        found.data,
        media_type=found.media_type,
        headers={"Content-Disposition": found.disposition, "Cache-Control": "private, no-store"},
    )
