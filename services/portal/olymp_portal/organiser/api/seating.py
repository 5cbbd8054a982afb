"""The organiser's seating screen (§30–31): a grade (or every grade) of a subject seated at a
venue in the rooms chosen for it, the rooms drawn desk by desk with each neighbour's school, the
report when no arrangement exists, and the printed lists for the entrance and each room."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from olymp_core.auth import Role
from olymp_portal.organiser import handlers
from olymp_portal.pages import Page, redirect, render

router = APIRouter(prefix="/organiser")

# each school its own shade on the room's plan; the school's name is written too
SCHOOL_SHADES = 8


async def _screen(page: Page, olympiad_id: uuid.UUID, subject: str, venue: str) -> dict[str, Any]:
    """What the screen shows for the chosen subject and venue (none chosen: only the choice)."""
    olympiad = await page.caller.get_json("registration", f"/olympiads/{olympiad_id}")
    values: dict[str, Any] = {
        "olympiad_id": olympiad_id,
        "title": olympiad["title"],
        "subjects": olympiad["subjects"],
        "venues": olympiad["venues"],
        "subject": subject,
        "venue": venue,
        "seating": None,
        "rooms": [],
        "grade_counts": {},
        "shade": {},
    }
    known_venue = next((v for v in olympiad["venues"] if v["name"] == venue), None)
    if not subject or known_venue is None:
        return values
    values["rooms"] = [r for r in known_venue["rooms"] if r.get("rows") and r.get("desks_per_row")]
    listed = await page.caller.get_json(
        "registration", f"/olympiads/{olympiad_id}/participants", subject_code=subject
    )
    values["grade_counts"] = dict(
        sorted(
            Counter(
                int(p["grade"])
                for p in listed["participants"]
                if p.get("venue") in (None, venue) and not p.get("withdrawal")
            ).items()
        )
    )
    seating = await handlers.seating(page.caller, olympiad_id, subject, venue)
    values["seating"] = seating
    if seating is not None:
        schools = sorted({s.school for r in seating.rooms for s in r.seats.values()})
        values["shade"] = {school: i % SCHOOL_SHADES for i, school in enumerate(schools)}
    return values


@router.get("/{olympiad_id}/seating", response_class=HTMLResponse)
async def seating_screen(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    subject: str = "",
    venue: str = "",
    grade: str = "",
    notice: str | None = None,
) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    values = await _screen(page, olympiad_id, subject, venue)
    return render(
        request,
        "organiser/seating.html",
        **page.values(),
        **values,
        notice=notice,
        chosen=_as_seated(values["seating"], grade),
    )


def _as_seated(seating: handlers.Seating | None, grade: str) -> handlers.SeatingChoice | None:
    """The form as the grade was last seated: its rooms ticked (a grade just seated stays)."""
    if seating is None or not grade:
        return None
    number = int(grade) if grade.isdigit() else None

    def holds(room: handlers.SeatedRoom) -> bool:
        return number is None or number in room.grades

    return handlers.SeatingChoice(
        grade=number,
        rooms=tuple(r.name for r in seating.rooms if holds(r) and not r.special_conditions),
        special_rooms=tuple(r.name for r in seating.rooms if holds(r) and r.special_conditions),
    )


@router.post("/{olympiad_id}/seating", response_class=HTMLResponse)
async def seat(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    subject: Annotated[str, Form()],
    venue: Annotated[str, Form()],
    grade: Annotated[str, Form()] = "all",
    room: Annotated[list[str] | None, Form()] = None,
    special_room: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Seat the chosen grade in the chosen rooms; a refusal comes back with the choice kept."""
    page.require(Role.MUNICIPAL_COORDINATOR)
    values = await _screen(page, olympiad_id, subject, venue)
    choice = handlers.SeatingChoice(
        grade=int(grade) if grade.isdigit() else None,
        rooms=tuple(room or ()),
        special_rooms=tuple(special_room or ()),
    )
    refusal: handlers.NotSeated | None = None
    if not choice.rooms and not choice.special_rooms:
        refusal = handlers.NotSeated("Отметьте аудитории, в которых рассаживать участников.", ())
    else:
        plan = handlers.new_plan(choice, values["seating"], set(values["grade_counts"]))
        outcome = await handlers.seat(page.caller, olympiad_id, subject, venue, plan)
        if isinstance(outcome, handlers.Seating):
            seated = "все классы" if choice.grade is None else f"{choice.grade} класс"
            notice = (
                f"Рассажены: {seated}. Всего на площадке рассажено участников — {outcome.seated}."
            )
            query = urlencode(
                {"subject": subject, "venue": venue, "grade": grade, "notice": notice}
            )
            return redirect(request, f"/organiser/{olympiad_id}/seating?{query}")
        refusal = outcome
    return render(
        request,
        "organiser/seating.html",
        status=422,
        **page.values(),
        **values,
        notice=None,
        refusal=refusal,
        chosen=choice,
    )


def _pdf(body: bytes, name: str) -> Response:
    # inline: the browser opens it to print; the name serves «Сохранить как»
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store",
        },
    )


@router.get("/{olympiad_id}/seating/entrance.pdf")
async def entrance_list(page: Page, olympiad_id: uuid.UUID, subject: str, venue: str) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    body = await handlers.seating_pdf(page.caller, olympiad_id, subject, venue, "entrance", None)
    return _pdf(body, f"рассадка — {subject} — вход.pdf")


@router.get("/{olympiad_id}/seating/rooms.pdf")
async def room_lists(
    page: Page, olympiad_id: uuid.UUID, subject: str, venue: str, room: str | None = None
) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    body = await handlers.seating_pdf(page.caller, olympiad_id, subject, venue, "rooms", room)
    return _pdf(body, f"рассадка — {subject} — {room or 'все аудитории'}.pdf")
