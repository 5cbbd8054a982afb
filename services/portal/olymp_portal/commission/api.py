"""The appeal commission's screens (§99–114): the subjects with appeals, the appeals of a subject
in the order filed, and a hearing: the statement, the checked work with every round of marks
(§108), the current points, the participant's attendance and identity (§103, §109–110), each
listed member's vote on a motion (§106, §112) and the chair's closing of the vote with the casting
vote on a tie (§107). `?projector=1` shows the hearing in large type for the room's screen.
Keys on the hearing page: PageUp/PageDown, +/−/0, r for the scan; ? lists them.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse

from olymp_core.auth import Role, authorize
from olymp_portal.commission import handlers
from olymp_portal.materials.handlers import criteria_files
from olymp_portal.pages import Names, Page, PageContext, redirect, render

router = APIRouter(
    prefix="/commission", dependencies=[Depends(authorize(Role.PUBLIC))], include_in_schema=False
)


@router.get("", response_class=HTMLResponse)
async def choose(request: Request, page: Page) -> Response:
    page.require(Role.APPEAL_MEMBER)
    return render(
        request,
        "commission/choose.html",
        **page.values(),
        subjects=await handlers.subjects(page.caller),
    )


@router.get("/{olympiad_id}/{subject_code}", response_class=HTMLResponse)
async def appeals(
    request: Request, page: Page, olympiad_id: uuid.UUID, subject_code: str
) -> Response:
    page.require(Role.APPEAL_MEMBER)
    return render(
        request,
        "commission/appeals.html",
        **page.values(),
        olympiad_id=olympiad_id,
        subject_code=subject_code,
        appeals=await handlers.appeals_of(page.caller, olympiad_id, subject_code),
    )


async def _hearing_page(
    request: Request,
    page: PageContext,
    names: dict[str, str],
    olympiad_id: uuid.UUID,
    appeal_id: uuid.UUID,
    *,
    status: int = 200,
    error: str | None = None,
    notice: str | None = None,
    typed: dict[str, Any] | None = None,
) -> Response:
    page.require(Role.APPEAL_MEMBER)
    found = await handlers.hearing(page.caller, olympiad_id, appeal_id)
    return render(
        request,
        "commission/hearing.html",
        status=status,
        **page.values(),
        hearing=found,
        names=names,
        outcomes=handlers.OUTCOMES,
        error=error,
        notice=notice,
        typed=typed or {},
        projector=request.query_params.get("projector") == "1",
        base=f"/commission/{olympiad_id}/appeals/{appeal_id}",
    )


@router.get("/{olympiad_id}/appeals/{appeal_id}", response_class=HTMLResponse)
async def hearing(
    request: Request,
    page: Page,
    names: Names,
    olympiad_id: uuid.UUID,
    appeal_id: uuid.UUID,
    notice: str | None = None,
) -> Response:
    return await _hearing_page(request, page, names, olympiad_id, appeal_id, notice=notice)


@router.post("/{olympiad_id}/appeals/{appeal_id}/attendance", response_class=HTMLResponse)
async def attendance(
    request: Request,
    page: Page,
    names: Names,
    olympiad_id: uuid.UUID,
    appeal_id: uuid.UUID,
    attendance: Annotated[str, Form()] = "",
    identity_checked: Annotated[bool, Form()] = False,
) -> Response:
    page.require(Role.APPEAL_MEMBER)
    refused = await handlers.record_attendance(
        page.caller, olympiad_id, appeal_id, attendance, identity_checked
    )
    if refused:
        typed = {"attendance": attendance, "identity_checked": identity_checked}
        return await _hearing_page(
            request, page, names, olympiad_id, appeal_id, status=422, error=refused, typed=typed
        )
    return redirect(
        request, f"/commission/{olympiad_id}/appeals/{appeal_id}?notice={quote('Явка отмечена.')}"
    )


@router.post("/{olympiad_id}/appeals/{appeal_id}/vote", response_class=HTMLResponse)
async def vote(
    request: Request, page: Page, names: Names, olympiad_id: uuid.UUID, appeal_id: uuid.UUID
) -> Response:
    page.require(Role.APPEAL_MEMBER)
    form = await request.form()
    outcome = str(form.get("outcome", ""))
    found = await handlers.hearing(page.caller, olympiad_id, appeal_id)
    scores, wrong = handlers.typed_scores(form, list(found.appeal["tasks"]))
    refused = wrong or await handlers.vote(page.caller, olympiad_id, appeal_id, outcome, scores)
    if refused:
        typed = {"outcome": outcome, **{k: str(v) for k, v in form.items() if k != "csrf"}}
        return await _hearing_page(
            request, page, names, olympiad_id, appeal_id, status=422, error=refused, typed=typed
        )
    return redirect(
        request, f"/commission/{olympiad_id}/appeals/{appeal_id}?notice={quote('Голос учтён.')}"
    )


@router.post("/{olympiad_id}/appeals/{appeal_id}/decision", response_class=HTMLResponse)
async def close_vote(
    request: Request, page: Page, names: Names, olympiad_id: uuid.UUID, appeal_id: uuid.UUID
) -> Response:
    page.require(Role.APPEAL_MEMBER)
    closing = await handlers.close_vote(page.caller, olympiad_id, appeal_id)
    if closing.refusal:
        return await _hearing_page(
            request, page, names, olympiad_id, appeal_id, status=409, error=closing.refusal
        )
    decision = closing.decision or {}
    notice = (
        f"Решение принято: {decision.get('outcome_text')}."
        if decision.get("final") and decision.get("outcome_text")
        else "Решение не принято: нет большинства от списочного состава (п. 106). "
        "Обсудите и проголосуйте снова."
        if not decision.get("final")
        else "Апелляция не рассматривалась по существу (п. 110)."
    )
    return redirect(
        request, f"/commission/{olympiad_id}/appeals/{appeal_id}?notice={quote(notice)}"
    )


@router.get("/{olympiad_id}/appeals/{appeal_id}/protocol.{extension}")
async def protocol(
    page: Page, olympiad_id: uuid.UUID, appeal_id: uuid.UUID, extension: Literal["pdf", "xlsx"]
) -> Response:
    """The appeal protocol (App. 9) as appeals renders it, for the member to print and sign."""
    page.require(Role.APPEAL_MEMBER)
    copy = await handlers.protocol(page.caller, olympiad_id, appeal_id, extension)
    return Response(
        copy.data,
        media_type=copy.media_type,
        headers={
            "Content-Disposition": copy.disposition,
            "Cache-Control": "no-store",
        },
    )


@router.get("/{olympiad_id}/criteria/{subject_code}")
async def criteria(page: Page, olympiad_id: uuid.UUID, subject_code: str) -> Response:
    """The subject's released criteria before the commission (§108), as materials gives them."""
    page.require(Role.APPEAL_MEMBER)
    found = await criteria_files(page.caller, olympiad_id, subject_code)
    return Response(
        found.data,
        media_type=found.media_type,
        headers={"Content-Disposition": found.disposition, "Cache-Control": "private, no-store"},
    )
