"""The jury chair's screens. The chair sees every member's progress and every work's status;
annulment names its reason and is final (the service refuses it after the final table, §119).
After decoding the chair rules on the tie groups at the quota boundary (§117), hands the final
table to the organiser (§121) and downloads the protocols to sign.

A refused form comes back with the service's reason and what was chosen; htmx requests get the
part of the page they replace, other requests the whole page (or a redirect after success).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse

from olymp_core.auth import Role, authorize
from olymp_portal.chair import handlers
from olymp_portal.chair.handlers import ANNULMENT_REASONS
from olymp_portal.marking import handlers as marking
from olymp_portal.marking.api import SubjectGradeAt
from olymp_portal.marking.handlers import SubjectGradeRef
from olymp_portal.pages import Names, Page, PageContext, redirect, render

router = APIRouter(
    prefix="/chair", dependencies=[Depends(authorize(Role.PUBLIC))], include_in_schema=False
)


def _base(ref: SubjectGradeRef) -> str:
    return f"/chair/{ref.olympiad_id}/{ref.subject_code}/{ref.grade}"


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


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
    progress, works = await handlers.progress(page.caller, ref)
    return render(
        request,
        "chair/overview.html",
        **page.values(),
        ref=ref,
        base=_base(ref),
        progress=progress,
        works=works,
        reasons=ANNULMENT_REASONS,
        names=names,
    )


@router.get("/{olympiad_id}/{subject_code}/{grade}/progress", response_class=HTMLResponse)
async def progress_panel(
    request: Request, page: Page, names: Names, ref: SubjectGradeAt
) -> Response:
    """The progress panel alone (htmx refreshes it)."""
    page.require(Role.JURY_CHAIR)
    progress, _ = await handlers.progress(page.caller, ref)
    return render(
        request, "chair/_progress.html", ref=ref, base=_base(ref), progress=progress, names=names
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


@router.get("/{olympiad_id}/{subject_code}/{grade}/works/{work_code}", response_class=HTMLResponse)
async def work_review(
    request: Request, page: Page, names: Names, ref: SubjectGradeAt, work_code: str
) -> Response:
    """One work: its pages with every round's marks on them, the points and comments, labelled."""
    page.require(Role.JURY_CHAIR)
    review = await handlers.work_review(page.caller, ref, work_code)
    return render(
        request,
        "chair/work.html",
        **page.values(),
        review=review,
        base=_base(ref),
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


async def _results_values(
    page: PageContext, names: dict[str, str], ref: SubjectGradeRef
) -> dict[str, Any]:
    """What the results page and its parts show; the refusals and choices are added by routes."""
    return {
        "ref": ref,
        "base": _base(ref),
        "screen": await handlers.results_screen(page.caller, ref),
        "names": names,
        "protocols": handlers.PROTOCOLS,
        "formats": handlers.FORMATS,
        "typed": None,
        "tie_error": None,
        "decided": None,
        "submit_error": None,
        "submit_confirmed": False,
        "submitted": False,
    }


@router.get("/{olympiad_id}/{subject_code}/{grade}/results", response_class=HTMLResponse)
async def results(request: Request, page: Page, names: Names, ref: SubjectGradeAt) -> Response:
    """The boundary ties, the submission of the final table and the protocols."""
    page.require(Role.JURY_CHAIR)
    values = await _results_values(page, names, ref)
    values["decided"] = request.query_params.get("decided")
    values["submitted"] = request.query_params.get("submitted") == "1"
    return render(request, "chair/results.html", **page.values(), **values)


@router.post("/{olympiad_id}/{subject_code}/{grade}/ties")
async def decide_tie(request: Request, page: Page, names: Names, ref: SubjectGradeAt) -> Response:
    """Rule on one tie group (§117). htmx gets the ties and the submission parts anew (a ruling
    changes what is left of the quota below it, and what blocks the submission); a form without
    script is redirected back to the page. A refusal keeps the choice and names the reason."""
    page.require(Role.JURY_CHAIR)
    choice = handlers.TieChoice.typed(await request.form())
    error = await handlers.decide_tie(page.caller, ref, choice)
    if error is None and not _htmx(request):
        return redirect(request, f"{_base(ref)}/results?decided={choice.total}")
    values = await _results_values(page, names, ref)
    if error is None:
        values["decided"] = choice.total
    else:
        values["typed"], values["tie_error"] = choice, error
    status = 422 if error else 200
    if _htmx(request):
        return render(
            request, "chair/_ties_swap.html", status=status, csrf=page.visitor.csrf, **values
        )
    return render(request, "chair/results.html", status=status, **page.values(), **values)


@router.post("/{olympiad_id}/{subject_code}/{grade}/final/submission")
async def submit_final(
    request: Request,
    page: Page,
    names: Names,
    ref: SubjectGradeAt,
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Hand the final table to the organiser for approval (§121)."""
    page.require(Role.JURY_CHAIR)
    error = await handlers.submit_final(page.caller, ref, confirm == "yes")
    if error is None:
        return redirect(request, f"{_base(ref)}/results?submitted=1")
    values = await _results_values(page, names, ref)
    values["submit_error"], values["submit_confirmed"] = error, confirm == "yes"
    return render(request, "chair/results.html", status=422, **page.values(), **values)


@router.get("/{olympiad_id}/{subject_code}/{grade}/protocols/{kind}.{extension}")
async def protocol(
    page: Page,
    ref: SubjectGradeAt,
    kind: Literal["results", "jury", "checking", "analytic"],
    extension: Literal["pdf", "xlsx"],
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """A protocol from the service that renders it, with its own file name (every copy is
    audited there, as taken by the chair)."""
    page.require(Role.JURY_CHAIR)
    found = await handlers.protocol(page.caller, ref, kind, extension, version)
    return Response(
        found.body,
        media_type=found.media_type,
        headers={"Content-Disposition": found.disposition, "Cache-Control": "private, no-store"},
    )
