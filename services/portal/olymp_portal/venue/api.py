"""The venue's check-in screen (§36–37), for a tablet at the entrance: type the first letters of
a surname (the list narrows as you type; «/» returns to the search), see the participant's room
and desk and the identity document their age asks for, mark present (with the document) or absent
with one key. Each mark is sent at once; htmx swaps the participant's row and the counts, so the
person at the entrance never waits for a whole page. From a present participant's row the removal
act is written (§53, App. 14) and printed; after the round the works of each room are counted
against those present (§141).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse

from olymp_core.auth import Role, authorize
from olymp_portal.clients import Refused
from olymp_portal.pages import Page, redirect, render
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
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    subject_code: str,
    venue: Venue,
    removed: Annotated[
        uuid.UUID | None, Query(description="Just removed: a link to the act")
    ] = None,
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
        labels=handlers.documents_label,
        removed=next((a for a in screen.arrivals if a.participant_id == str(removed)), None),
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
    documents: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """`documents`: the set shown, space-separated («birth_certificate school_certificate»)."""
    page.require(Role.VENUE_COORDINATOR)
    refused = await handlers.mark(
        page.caller,
        olympiad_id,
        subject_code,
        venue,
        participant_id,
        present,
        tuple(documents.split()),
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
            labels=handlers.documents_label,
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
            labels=handlers.documents_label,
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
        labels=handlers.documents_label,
        swap_counts=True,
    )


def _check_in_url(olympiad_id: uuid.UUID, subject_code: str, venue: str) -> str:
    return f"/venue/{olympiad_id}/{subject_code}/check-in?venue={quote(venue, safe='')}"


async def _arrival(
    page: Page, olympiad_id: uuid.UUID, subject_code: str, venue: str, participant_id: uuid.UUID
) -> tuple[handlers.CheckInScreen, handlers.Arrival]:
    screen = await handlers.check_in_screen(
        page.caller, olympiad_id, subject_code, venue, dt.datetime.now(dt.UTC)
    )
    found = next((a for a in screen.arrivals if a.participant_id == str(participant_id)), None)
    if found is None:
        raise Refused(
            "Участника нет в списке этой площадки: вернитесь к регистрации и найдите его по "
            "фамилии.",
            status=404,
        )
    return screen, found


@router.get("/{olympiad_id}/{subject_code}/removal/{participant_id}", response_class=HTMLResponse)
async def removal_form(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    subject_code: str,
    participant_id: uuid.UUID,
    venue: Venue,
) -> Response:
    page.require(Role.VENUE_COORDINATOR)
    screen, arrival = await _arrival(page, olympiad_id, subject_code, venue, participant_id)
    return render(
        request,
        "venue/removal.html",
        **page.values(),
        screen=screen,
        a=arrival,
        form=handlers.RemovalForm(room=arrival.room),
        error=None,
        back=_check_in_url(olympiad_id, subject_code, venue),
    )


@router.post("/{olympiad_id}/{subject_code}/removal/{participant_id}", response_class=HTMLResponse)
async def remove(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    subject_code: str,
    participant_id: uuid.UUID,
    venue: Annotated[str, Form(min_length=1, max_length=300)],
    reason: Annotated[str, Form(max_length=2000)] = "",
    room: Annotated[str, Form(max_length=200)] = "",
    organiser: Annotated[list[str] | None, Form()] = None,
    member: Annotated[list[str] | None, Form()] = None,
) -> Response:
    page.require(Role.VENUE_COORDINATOR)
    form = handlers.RemovalForm(reason, room, tuple(organiser or ())[:4], tuple(member or ())[:4])
    refused = await handlers.remove(page.caller, olympiad_id, subject_code, participant_id, form)
    back = _check_in_url(olympiad_id, subject_code, venue)
    if refused is None:
        return redirect(request, f"{back}&removed={participant_id}")
    screen, arrival = await _arrival(page, olympiad_id, subject_code, venue, participant_id)
    return render(
        request,
        "venue/removal.html",
        status=422,
        **page.values(),
        screen=screen,
        a=arrival,
        form=form,
        error=refused,
        back=back,
    )


@router.get("/{olympiad_id}/{subject_code}/removal/{participant_id}/act.pdf")
async def removal_act(
    page: Page, olympiad_id: uuid.UUID, subject_code: str, participant_id: uuid.UUID
) -> Response:
    page.require(Role.VENUE_COORDINATOR)
    body = await handlers.removal_act(page.caller, olympiad_id, subject_code, participant_id)
    # inline: the browser opens it to print; the name serves «Сохранить как»
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f"inline; filename*=UTF-8''{quote('акт об удалении.pdf')}",
            "Cache-Control": "no-store",
        },
    )


async def _works_page(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    subject_code: str,
    venue: str,
    *,
    status: int = 200,
    typed: handlers.TypedCount | None = None,
) -> Response:
    screen = await handlers.check_in_screen(
        page.caller, olympiad_id, subject_code, venue, dt.datetime.now(dt.UTC)
    )
    found = await handlers.works(page.caller, olympiad_id, subject_code, venue)
    return render(
        request,
        "venue/works.html",
        status=status,
        **page.values(),
        screen=screen,
        counts=found,
        typed=typed,
        back=_check_in_url(olympiad_id, subject_code, venue),
    )


@router.get("/{olympiad_id}/{subject_code}/works", response_class=HTMLResponse)
async def works(
    request: Request, page: Page, olympiad_id: uuid.UUID, subject_code: str, venue: Venue
) -> Response:
    page.require(Role.VENUE_COORDINATOR)
    return await _works_page(request, page, olympiad_id, subject_code, venue)


@router.post("/{olympiad_id}/{subject_code}/works", response_class=HTMLResponse)
async def count_works(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    subject_code: str,
    venue: Annotated[str, Form(min_length=1, max_length=300)],
    room: Annotated[str, Form(min_length=1, max_length=200)],
    works: Annotated[str, Form(max_length=10)] = "",
    explanation: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    page.require(Role.VENUE_COORDINATOR)
    typed = handlers.TypedCount(room, works, explanation)
    if not works.strip().isdigit():
        typed = handlers.TypedCount(
            room, works, explanation, "Впишите число собранных работ цифрами, например «14»."
        )
    else:
        refused = await handlers.count_works(
            page.caller, olympiad_id, subject_code, venue, room, int(works), explanation
        )
        if refused is None:
            url = f"/venue/{olympiad_id}/{subject_code}/works?venue={quote(venue, safe='')}"
            return redirect(request, f"{url}#room-{quote(room, safe='')}")
        typed = handlers.TypedCount(room, works, explanation, refused)
    return await _works_page(
        request, page, olympiad_id, subject_code, venue, status=422, typed=typed
    )
