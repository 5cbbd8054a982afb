"""The olympiad's public page, for anyone, no sign-in: the schedule of the analysis of tasks, the
show of works and appeals per subject, and where and when public observers attend. The results
themselves are publishing's static pages; this page links to them."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from olymp_core.auth import Role, authorize
from olymp_portal.pages import BackendsDep, Settings, render
from olymp_portal.public import handlers

router = APIRouter(
    prefix="/olympiad", dependencies=[Depends(authorize(Role.PUBLIC))], include_in_schema=False
)


@router.get("/{olympiad_id}", response_class=HTMLResponse)
async def olympiad_page(
    request: Request, olympiad_id: uuid.UUID, backends: BackendsDep, settings: Settings
) -> Response:
    page = await handlers.public_page(backends, olympiad_id)
    results = (settings.public_results_url or settings.publishing_url).rstrip("/")
    return render(
        request,
        "public/olympiad.html",
        page=page,
        olympiad_id=olympiad_id,
        results_url=f"{results}/results/{olympiad_id}/index.html",
        headers={"Cache-Control": "public, max-age=60"},
    )
