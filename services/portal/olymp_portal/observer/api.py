"""The public observer's screens (§18–19): their assignments and reports, a violation report with
files, and the audit trail browser over every service's `GET /audit` with its integrity check.

The organisers (municipal and regional coordinators) read the trail here too, as the services
admit them. A refused form comes back with the service's reason, the text kept and the field named.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, StreamingResponse
from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile as StarletteUpload

from olymp_core.auth import Role, authorize
from olymp_core.clock import Clock
from olymp_core.dependencies import CurrentClock
from olymp_core.request_limits import body_limit
from olymp_portal.observer import handlers
from olymp_portal.observer.domain import SERVICE_LABELS, service_label
from olymp_portal.observer.handlers import watching
from olymp_portal.pages import Page, PageContext, redirect, render

router = APIRouter(
    prefix="/observer", dependencies=[Depends(authorize(Role.PUBLIC))], include_in_schema=False
)

READERS = (Role.OBSERVER, Role.MUNICIPAL_COORDINATOR, Role.COORDINATOR)
# the zones of Russia's regions, west to east: the olympiad's own is chosen first
ZONES = (
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
)
# a report's files go to registration one by one (each up to its limit there); the form as a
# whole is held to this
REPORT_FORM_MAX_BYTES = 64 * 1024 * 1024
# the live state refreshes itself (htmx polling of its part alone), as the materials grid does
REFRESH_S = 15


@router.get("", response_class=HTMLResponse)
async def home(
    request: Request, page: Page, clock: CurrentClock, notice: str | None = None
) -> Response:
    page.require(Role.OBSERVER)
    found = await handlers.observations(page.caller)
    return render(
        request,
        "observer/home.html",
        **page.values(),
        observations=found,
        now=clock.now(),
        notice=notice,
    )


async def _zones(page: PageContext) -> list[str]:
    """The observer's olympiads' zones first, then the rest of Russia's."""
    own: list[str] = []
    if page.role is Role.OBSERVER:
        for found in await handlers.observations(page.caller, with_reports=False):
            if found.zone.key not in own:
                own.append(found.zone.key)
    return own + [zone for zone in ZONES if zone not in own]


@router.get("/audit", response_class=HTMLResponse)
async def audit(
    request: Request,
    page: Page,
    service: str = "",
    action: Annotated[str, Query(max_length=200)] = "",
    object_id: Annotated[str, Query(max_length=200)] = "",
    since: Annotated[str, Query(max_length=40)] = "",
    until: Annotated[str, Query(max_length=40)] = "",
    tz: str = "",
    cursor: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None,
    verify: str = "",
) -> Response:
    """One service's trail, filtered; `verify` (a service, or `all`) checks chains first."""
    page.require(*READERS)
    zones = await _zones(page)
    zone = ZoneInfo(tz if tz in zones else zones[0])
    configured = list(page.caller.backends.clients)
    chosen = handlers.AuditFilter(
        service=service or next((s for s in SERVICE_LABELS if s in configured), "registration"),
        action=action,
        object_id=object_id,
        since=since,
        until=until,
        cursor=cursor,
    )
    screen = await handlers.audit_screen(page.caller, configured, chosen, zone)
    checked = [s for s, _ in screen.services if verify in (s, "all")]
    verdicts = await handlers.verify(page.caller, checked) if checked else []
    query: dict[str, Any] = {
        "service": chosen.service,
        "action": action,
        "object_id": object_id,
        "since": since,
        "until": until,
        "tz": zone.key,
    }
    return render(
        request,
        "observer/audit.html",
        status=422 if screen.field_errors else 200,
        **page.values(),
        screen=screen,
        chosen_label=service_label(chosen.service),
        zones=zones,
        verdicts={v.service: v for v in verdicts},
        broken=sum(1 for v in verdicts if not v.intact),
        query=query,
    )


async def _form(
    request: Request,
    page: PageContext,
    clock: Clock,
    olympiad_id: uuid.UUID,
    *,
    assignment: str = "",
    text: str = "",
    error: str = "",
    field: str = "",
    status: int = 200,
) -> Response:
    found = {o.olympiad_id: o for o in await handlers.observations(page.caller, with_reports=False)}
    observation = found.get(olympiad_id)
    if observation is None:
        return redirect(request, "/observer?notice=Вы не назначены наблюдателем этой олимпиады.")
    now = clock.now()
    return render(
        request,
        "observer/report.html",
        status=status,
        **page.values(),
        observation=observation,
        open_assignments=[a for a in observation.assignments if a.open_at(now)],
        chosen=assignment,
        text=text,
        error=error,
        field=field,
    )


@router.get("/{olympiad_id}/report", response_class=HTMLResponse)
async def report_form(
    request: Request, page: Page, clock: CurrentClock, olympiad_id: uuid.UUID, assignment: str = ""
) -> Response:
    page.require(Role.OBSERVER)
    return await _form(request, page, clock, olympiad_id, assignment=assignment)


@router.post("/{olympiad_id}/report", response_class=HTMLResponse)
@body_limit(REPORT_FORM_MAX_BYTES)
async def file_report(
    request: Request,
    page: Page,
    clock: CurrentClock,
    olympiad_id: uuid.UUID,
    assignment: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
) -> Response:
    """The report first, then each file; a refusal of the report comes back on the form."""
    page.require(Role.OBSERVER)
    # read from the form itself: a file input left empty arrives as a part with no file name,
    # which is not a file at all to the form parser
    uploads = [
        handlers.Upload(part.filename or "", part.content_type or "", await part.read())
        for part in (await request.form()).getlist("files")
        if isinstance(part, StarletteUpload) and part.filename
    ]
    filed = await handlers.file_report(page.caller, olympiad_id, assignment, text, uploads)
    if isinstance(filed, handlers.NotFiled):
        return await _form(
            request,
            page,
            clock,
            olympiad_id,
            assignment=assignment,
            text=text,
            error=filed.detail,
            field=filed.field,
            status=filed.status,
        )
    notice = "Сообщение о нарушении направлено организатору."
    if filed.attached:
        notice += " Приложены файлы: " + ", ".join(f"«{n}»" for n in filed.attached) + "."
    if filed.refused:
        notice += " Не приняты: " + "; ".join(filed.refused)
    return redirect(request, "/observer?" + urlencode({"notice": notice}))


async def _observation(page: PageContext, olympiad_id: uuid.UUID) -> handlers.Observation | None:
    found = {o.olympiad_id: o for o in await handlers.observations(page.caller, with_reports=False)}
    return found.get(olympiad_id)


NOT_ASSIGNED = "/observer?notice=Вы не назначены наблюдателем этой олимпиады."


@router.get("/{olympiad_id}/live", response_class=HTMLResponse)
async def live(
    request: Request, page: Page, clock: CurrentClock, olympiad_id: uuid.UUID
) -> Response:
    """What is happening now where the observer is assigned; the part refreshes itself."""
    page.require(Role.OBSERVER)
    observation = await _observation(page, olympiad_id)
    if observation is None:
        return redirect(request, NOT_ASSIGNED)
    state = await watching.live_state(page.caller, observation, clock.now())
    partial = request.headers.get("hx-request") == "true"
    return render(
        request,
        "observer/_live.html" if partial else "observer/live.html",
        **page.values(),
        state=state,
        refresh_s=REFRESH_S,
    )


@router.get("/{olympiad_id}/video", response_class=HTMLResponse)
async def video(
    request: Request, page: Page, olympiad_id: uuid.UUID, play: uuid.UUID | None = None
) -> Response:
    """The recordings of the observer's venues; `play` opens one in the player."""
    page.require(Role.OBSERVER)
    observation = await _observation(page, olympiad_id)
    if observation is None:
        return redirect(request, NOT_ASSIGNED)
    rows = await watching.recordings(page.caller, observation)
    return render(
        request,
        "observer/video.html",
        **page.values(),
        observation=observation,
        recordings=rows,
        playing=next((r for r in rows if r.recording_id == str(play)), None),
    )


@router.get("/{olympiad_id}/video/{recording_id}/media")
async def video_media(page: Page, olympiad_id: uuid.UUID, recording_id: uuid.UUID) -> Response:
    """The recording's bytes for the page's <video> (each playback granted is audited)."""
    page.require(Role.OBSERVER)
    media = await watching.recording_media(page.caller, olympiad_id, recording_id)
    return StreamingResponse(
        media.body,
        media_type=media.media_type,
        headers=dict(media.headers),
        background=BackgroundTask(media.close),
    )
