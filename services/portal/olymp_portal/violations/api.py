"""The organiser's screen of the observers' violation reports (§19): the municipal coordinator
reads each olympiad's reports, opens one with its files and records the decision, once. A
refused decision comes back on the form with the text kept and the field named."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse

from olymp_core.auth import Role, authorize
from olymp_portal.pages import Page, PageContext, redirect, render
from olymp_portal.violations import handlers

router = APIRouter(
    prefix="/violations", dependencies=[Depends(authorize(Role.PUBLIC))], include_in_schema=False
)


@router.get("", response_class=HTMLResponse)
async def reports(request: Request, page: Page, notice: str | None = None) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    return render(
        request,
        "violations/list.html",
        **page.values(),
        olympiads=await handlers.olympiad_reports(page.caller),
        notice=notice,
    )


async def _report_page(
    request: Request,
    page: PageContext,
    olympiad_id: uuid.UUID,
    report_id: uuid.UUID,
    *,
    status: int = 200,
    refusal: handlers.NotDecided | None = None,
    outcome: str = "",
    decision: str = "",
    notice: str | None = None,
) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    return render(
        request,
        "violations/report.html",
        status=status,
        **page.values(),
        opened=await handlers.opened_report(page.caller, olympiad_id, report_id),
        outcomes=handlers.OUTCOMES,
        refusal=refusal,
        outcome=outcome,
        decision=decision,
        notice=notice,
    )


@router.get("/{olympiad_id}/{report_id}", response_class=HTMLResponse)
async def report(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    report_id: uuid.UUID,
    notice: str | None = None,
) -> Response:
    return await _report_page(request, page, olympiad_id, report_id, notice=notice)


@router.post("/{olympiad_id}/{report_id}/decision", response_class=HTMLResponse)
async def decide(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    report_id: uuid.UUID,
    outcome: Annotated[str, Form()] = "",
    decision: Annotated[str, Form()] = "",
) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    refusal = await handlers.decide(page.caller, olympiad_id, report_id, outcome, decision)
    if refusal is not None:
        return await _report_page(
            request,
            page,
            olympiad_id,
            report_id,
            status=refusal.status,
            refusal=refusal,
            outcome=outcome,
            decision=decision,
        )
    notice = "Решение по сообщению записано; наблюдатель видит его на своей странице."
    return redirect(request, f"/violations/{olympiad_id}/{report_id}?notice={quote(notice)}")


@router.get("/{olympiad_id}/{report_id}/attachments/{attachment_id}")
async def attachment(
    page: Page, olympiad_id: uuid.UUID, report_id: uuid.UUID, attachment_id: uuid.UUID
) -> Response:
    """Downloaded, never shown inline: an observer chose the bytes."""
    page.require(Role.MUNICIPAL_COORDINATOR)
    found = await handlers.attachment(page.caller, olympiad_id, report_id, attachment_id)
    return Response(
        found.data,
        media_type=found.media_type,
        headers={"Content-Disposition": found.disposition, "Cache-Control": "private, no-store"},
    )
