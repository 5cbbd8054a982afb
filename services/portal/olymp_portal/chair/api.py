"""The jury chair's screens. The chair sees every member's progress and every work's status;
annulment names its reason and is final (the service refuses it after the final table, §119)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse

from olymp_core.auth import Role, authorize
from olymp_portal.chair import handlers
from olymp_portal.chair.handlers import ANNULMENT_REASONS
from olymp_portal.marking import handlers as marking
from olymp_portal.marking.api import SubjectGradeAt
from olymp_portal.pages import Names, Page, redirect, render

router = APIRouter(
    prefix="/chair", dependencies=[Depends(authorize(Role.PUBLIC))], include_in_schema=False
)


@router.get("", response_class=HTMLResponse)
async def choose(request: Request, page: Page) -> Response:
    page.require(Role.JURY_CHAIR)
    offers = await marking.offers(page.caller)
    return render(request, "chair/choose.html", **page.values(), offers=offers)


@router.get("/{olympiad_id}/{subject_code}/{grade}", response_class=HTMLResponse)
async def overview(
    request: Request,
    page: Page,
    names: Names,
    ref: SubjectGradeAt,
) -> Response:
    page.require(Role.JURY_CHAIR)
    return render(
        request,
        "chair/overview.html",
        **page.values(),
        ref=ref,
        progress=await handlers.progress(page.caller, ref),
        works=await handlers.works(page.caller, ref),
        reasons=ANNULMENT_REASONS,
        names=names,
    )


@router.post("/{olympiad_id}/{subject_code}/{grade}/works/{work_code}/annulment")
async def annul(
    request: Request,
    page: Page,
    names: Names,
    ref: SubjectGradeAt,
    work_code: str,
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Annul one work; htmx swaps the work's row with its new state (or the refusal)."""
    page.require(Role.JURY_CHAIR)
    error = await handlers.annul(page.caller, ref, work_code, reason)
    line = await handlers.work(page.caller, ref, work_code)
    return render(
        request,
        "chair/_work_row.html",
        status=422 if error else 200,
        ref=ref,
        work=line,
        work_code=work_code,
        error=error,
        chosen=reason,
        reasons=ANNULMENT_REASONS,
        names=names,
    )


@router.get("/{olympiad_id}/{subject_code}/{grade}/scheme", response_class=HTMLResponse)
async def scheme_form(request: Request, page: Page, ref: SubjectGradeAt) -> Response:
    page.require(Role.JURY_CHAIR)
    found = await handlers.scheme(page.caller, ref)
    return render(
        request,
        "chair/scheme.html",
        **page.values(),
        ref=ref,
        form=found or handlers.SchemeForm({n: "" for n in range(1, 6)}),
        is_set=found is not None,
        rows=handlers.SCHEME_ROWS,
        kinds=handlers.THRESHOLD_KINDS,
        rules=handlers.RULES,
        error=None,
        saved=request.query_params.get("saved") == "1",
    )


@router.post("/{olympiad_id}/{subject_code}/{grade}/scheme")
async def set_scheme(request: Request, page: Page, ref: SubjectGradeAt) -> Response:
    """Set the criteria; refused (marks exist, a bad value) with the form as it was typed."""
    page.require(Role.JURY_CHAIR)
    form = handlers.SchemeForm.typed(await request.form())
    error = await handlers.set_scheme(page.caller, ref, form)
    if error is None:
        return redirect(
            request, f"/chair/{ref.olympiad_id}/{ref.subject_code}/{ref.grade}/scheme?saved=1"
        )
    return render(
        request,
        "chair/scheme.html",
        status=422,
        **page.values(),
        ref=ref,
        form=form,
        is_set=True,
        rows=handlers.SCHEME_ROWS,
        kinds=handlers.THRESHOLD_KINDS,
        rules=handlers.RULES,
        error=error,
        saved=False,
    )
