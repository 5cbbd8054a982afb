"""The materials screens (§24–25). On the regional hub the coordinator watches a grid of
municipalities by package — ciphertext fetched, key delivered, receipt confirmed, late — which
refreshes itself every 15 seconds (htmx polling of the grid alone). On a municipality's mirror
the municipal coordinator sees the packages and their instants, downloads a released archive and
confirms its receipt and completeness; a refusal keeps what was typed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse

from olymp_core.auth import Role, authorize
from olymp_portal.materials import handlers
from olymp_portal.pages import Page, PageContext, redirect, render

router = APIRouter(
    prefix="/materials", dependencies=[Depends(authorize(Role.PUBLIC))], include_in_schema=False
)
REFRESH_S = 15


@router.get("", response_class=HTMLResponse)
async def choose(request: Request, page: Page) -> Response:
    page.require(Role.COORDINATOR, Role.MUNICIPAL_COORDINATOR)
    return render(
        request,
        "materials/choose.html",
        **page.values(),
        olympiads=await handlers.olympiads(page.caller),
    )


@router.get("/{olympiad_id}/grid", response_class=HTMLResponse)
async def grid(request: Request, page: Page, olympiad_id: uuid.UUID) -> Response:
    page.require(Role.COORDINATOR)
    found = await handlers.grid(page.caller, olympiad_id, dt.datetime.now(dt.UTC))
    template = (
        "materials/_grid.html"
        if request.headers.get("hx-request") == "true"
        else "materials/grid.html"
    )
    return render(
        request,
        template,
        **page.values(),
        olympiad_id=olympiad_id,
        grid=found,
        refresh_s=REFRESH_S,
    )


async def _packages_page(
    request: Request,
    page: PageContext,
    olympiad_id: uuid.UUID,
    *,
    status: int = 200,
    error: str | None = None,
    typed: dict[str, object] | None = None,
    notice: str | None = None,
) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    return render(
        request,
        "materials/packages.html",
        status=status,
        **page.values(),
        olympiad_id=olympiad_id,
        packages=await handlers.mirror_packages(page.caller, olympiad_id),
        error=error,
        typed=typed or {},
        notice=notice,
    )


@router.get("/{olympiad_id}/packages", response_class=HTMLResponse)
async def packages(
    request: Request, page: Page, olympiad_id: uuid.UUID, notice: str | None = None
) -> Response:
    return await _packages_page(request, page, olympiad_id, notice=notice)


@router.post("/{olympiad_id}/packages/{package_id}/receipt", response_class=HTMLResponse)
async def receipt(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    package_id: uuid.UUID,
    complete: Annotated[bool, Form()] = False,
    missing: Annotated[str, Form()] = "",
    problems: Annotated[str, Form()] = "",
) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    refused = await handlers.confirm_receipt(
        page.caller, olympiad_id, package_id, complete, handlers.missing_items(missing), problems
    )
    if refused:
        typed = {"package_id": str(package_id), "complete": complete, "missing": missing,
                 "problems": problems}  # fmt: skip
        return await _packages_page(
            request, page, olympiad_id, status=422, error=refused, typed=typed
        )
    done = "Получение подтверждено и передано на региональный узел (п. 25)."
    return redirect(request, f"/materials/{olympiad_id}/packages?notice={quote(done)}")


@router.get("/{olympiad_id}/packages/{package_id}/content")
async def content(page: Page, olympiad_id: uuid.UUID, package_id: uuid.UUID) -> Response:
    """The released archive as materials gives it (each download is in its audit trail)."""
    page.require(Role.MUNICIPAL_COORDINATOR)
    data = await handlers.package_content(page.caller, olympiad_id, package_id)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="package-{str(package_id)[:8]}.zip"',
            "Cache-Control": "private, no-store",
        },
    )
