"""The venue's check-in screen (§36–37), for a tablet at the entrance: type the first letters of
a surname (the list narrows as you type; «/» returns to the search), see the participant's room
and desk, mark present or absent with one key. Each mark is sent at once; htmx swaps the
participant's row and the counts, so the person at the entrance never waits for a whole page.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse

from olymp_core.auth import Role, authorize
from olymp_portal.pages import Page, render
from olymp_portal.venue import handlers

router = APIRouter(
    prefix="/venue", dependencies=[Depends(authorize(Role.PUBLIC))], include_in_schema=False
)
Venue = Annotated[str, Query(min_length=1, max_length=300)]


@router.get("", response_class=HTMLResponse)
async def choose(request: Request, page: Page) -> Response:
    page.require(Role.VENUE_COORDINATOR)
    return render(
        request,
        "venue/choose.html",
        **page.values(),
        olympiads=await handlers.olympiads(page.caller),
    )


@router.get("/{olympiad_id}/{subject_code}/check-in", response_class=HTMLResponse)
async def check_in(
    request: Request, page: Page, olympiad_id: uuid.UUID, subject_code: str, venue: Venue
) -> Response:
    page.require(Role.VENUE_COORDINATOR)
    screen = await handlers.check_in_screen(
        page.caller, olympiad_id, subject_code, venue, dt.datetime.now(dt.UTC)
    )
    return render(
        request,
        "venue/check_in.html",
        **page.values(),
        screen=screen,
        error=None,
        attendance=handlers.ATTENDANCE,
    )


@router.post("/{olympiad_id}/{subject_code}/check-in/{participant_id}", response_class=HTMLResponse)
async def mark(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    subject_code: str,
    participant_id: uuid.UUID,
    venue: Annotated[str, Form(min_length=1, max_length=300)],
    present: Annotated[bool, Form()],
) -> Response:
    page.require(Role.VENUE_COORDINATOR)
    refused = await handlers.mark(
        page.caller, olympiad_id, subject_code, venue, participant_id, present
    )
    screen = await handlers.check_in_screen(
        page.caller, olympiad_id, subject_code, venue, dt.datetime.now(dt.UTC)
    )
    if request.headers.get("hx-request") != "true":
        return render(
            request,
            "venue/check_in.html",
            status=409 if refused else 200,
            **page.values(),
            screen=screen,
            error=refused,
            attendance=handlers.ATTENDANCE,
        )
    arrival = next((a for a in screen.arrivals if a.participant_id == str(participant_id)), None)
    if arrival is None:  # not on this venue's list (any more): the whole page, with the refusal
        return render(
            request,
            "venue/check_in.html",
            **page.values(),
            screen=screen,
            error=refused,
            attendance=handlers.ATTENDANCE,
        )
    return render(
        request,
        "venue/_row.html",
        status=200,
        **page.values(),
        screen=screen,
        a=arrival,
        error=refused,
        attendance=handlers.ATTENDANCE,
        swap_counts=True,
    )
