"""The organiser's import of the participants application (CSV or XLSX): the file goes to
registration with the organiser's token, which imports all its rows or none. A refusal comes back
as a table of row errors (row, column, what is wrong, what to do), also as a CSV to download —
written into the page's link itself (a data: address), since the portal keeps nothing."""

from __future__ import annotations

import base64
import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from olymp_core.auth import Role
from olymp_core.request_limits import body_limit
from olymp_portal.organiser import handlers
from olymp_portal.pages import Page, render

router = APIRouter(prefix="/organiser")

# registration's own limit is 20 MB; a form adds its boundaries and fields
IMPORT_FORM_MAX_BYTES = 21 * 1024 * 1024


async def _olympiads(page: Page) -> list[dict[str, Any]]:
    listed = await page.caller.get_json("registration", "/olympiads")
    return list(listed["olympiads"])


@router.get("/import", response_class=HTMLResponse)
async def import_form(request: Request, page: Page, olympiad: uuid.UUID | None = None) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    return render(
        request,
        "organiser/import.html",
        **page.values(),
        olympiads=await _olympiads(page),
        chosen=olympiad,
        result=None,
    )


@router.post("/import", response_class=HTMLResponse)
@body_limit(IMPORT_FORM_MAX_BYTES)
async def import_file(request: Request, page: Page) -> Response:
    """The upload, answered with the result (only the result when htmx sent the form)."""
    page.require(Role.MUNICIPAL_COORDINATOR)
    form = await request.form()
    chosen_text = form.get("olympiad")
    upload = form.get("file")
    file_name = (upload.filename or "") if isinstance(upload, UploadFile) else ""
    try:
        chosen: uuid.UUID | None = uuid.UUID(str(chosen_text))
    except ValueError:
        chosen = None
    result: handlers.Imported | handlers.NotImported
    field = ""
    if chosen is None:
        result, field = (
            handlers.NotImported("Выберите олимпиаду, в которую загружается файл."),
            "olympiad",
        )
    elif not isinstance(upload, UploadFile) or not file_name:
        result, field = handlers.NotImported("Выберите файл заявки (CSV или XLSX)."), "file"
    else:
        result = await handlers.import_file(page.caller, chosen, file_name, await upload.read())
    values: dict[str, Any] = {
        "olympiad_id": chosen,
        "file_name": file_name,
        "result": result,
        "field": field,
    }
    values["errors_href"], values["errors_file"] = _errors_download(result, file_name)
    status = 422 if isinstance(result, handlers.NotImported) else 200
    if request.headers.get("hx-request") == "true":
        return render(
            request, "organiser/_import_result.html", status=status, **page.values(), **values
        )
    return render(
        request,
        "organiser/import.html",
        status=status,
        **page.values(),
        olympiads=await _olympiads(page),
        chosen=chosen,
        **values,
    )


def _errors_download(
    result: handlers.Imported | handlers.NotImported, file_name: str
) -> tuple[str, str]:
    """The errors as a CSV file in a data: address, and the name to save it under."""
    if not isinstance(result, handlers.NotImported) or not result.errors:
        return "", ""
    body = base64.b64encode(handlers.errors_csv(result.errors)).decode()
    stem = file_name.rsplit(".", 1)[0] or "заявка"
    return f"data:text/csv;charset=utf-8;base64,{body}", f"ошибки — {stem}.csv"
