"""The organiser's set-up screens: the subjects' rounds in local time with the briefing (§32) and
the oral round of German and French (§60); the venues with their rooms' desks (rows × desks);
the jury of each subject (§21), the appeal commissions (§102) and the orgcommittee with the
conflicts of interest each person declared (seed 000, §2).

Registration checks every rule; a refused form comes back with what was typed and registration's
reasons beside it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from olymp_core.auth import Role
from olymp_portal.clients import Refused
from olymp_portal.organiser.handlers import refusal_problems
from olymp_portal.pages import Page, PageContext, redirect, render

router = APIRouter(prefix="/organiser/{olympiad_id}/setup")

# blank room lines under a venue's rooms, for adding rooms without a script
BLANK_ROOMS = 3


_FIELD_PROBLEMS = {
    "day": "Дата тура не распознана: выберите день в календаре (ДД.ММ.ГГГГ).",
    "start": "Время начала не распознано: укажите его в виде ЧЧ:ММ, например 10:00.",
    "end": "Время окончания не распознано: укажите его в виде ЧЧ:ММ, например 14:00.",
    "briefing": "Время инструктажа не распознано: укажите его в виде ЧЧ:ММ или оставьте пустым.",
    "rooms": "Аудитории указаны неверно: проверьте названия и числа.",
    "capacity": "Число мест в аудитории — целое число от 1.",
}


def _path(olympiad_id: uuid.UUID, tail: str = "") -> str:
    return f"/organiser/{olympiad_id}/setup{tail}"


# Rounds ------------------------------------------------------------------------------------------


@dataclass
class RoundForm:
    slot: str = ""
    """«subject_code/round_code»"""
    day: str = ""
    start: str = ""
    end: str = ""
    briefing: str = ""


async def _rounds_page(
    request: Request,
    page: PageContext,
    olympiad_id: uuid.UUID,
    form: RoundForm,
    *,
    notice: str | None = None,
    problems: list[str] | None = None,
) -> Response:
    schedule = await page.caller.get_json("registration", f"/olympiads/{olympiad_id}/schedule")
    return render(
        request,
        "organiser/setup.html",
        status=422 if problems else 200,
        **page.values(),
        olympiad_id=olympiad_id,
        schedule=schedule,
        form=form,
        notice=notice,
        problems=problems or [],
    )


@router.get("", response_class=HTMLResponse)
async def rounds(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    edit: str = "",
    notice: str | None = None,
) -> Response:
    """The subjects with their rounds; `edit` («subject/round») fills the form with one."""
    page.require(Role.MUNICIPAL_COORDINATOR)
    form = RoundForm(slot=edit)
    if edit:
        schedule = await page.caller.get_json("registration", f"/olympiads/{olympiad_id}/schedule")
        for s in schedule["subjects"]:
            for r in s["rounds"]:
                if f"{s['subject_code']}/{r['round_code']}" == edit:
                    form = RoundForm(
                        edit, r["day"], r["start"][:5], r["end"][:5], (r["briefing"] or "")[:5]
                    )
    return await _rounds_page(request, page, olympiad_id, form, notice=notice)


@router.post("/rounds")
async def save_round(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    slot: Annotated[str, Form()] = "",
    day: Annotated[str, Form()] = "",
    start: Annotated[str, Form()] = "",
    end: Annotated[str, Form()] = "",
    briefing: Annotated[str, Form()] = "",
) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    form = RoundForm(slot, day, start, end, briefing)
    missing = [
        what
        for what, value in (("тур", slot), ("дату", day), ("начало", start), ("окончание", end))
        if not value.strip()
    ]
    if missing or "/" not in slot:
        problem = f"Укажите {', '.join(missing or ['тур'])}: без этого тур не сохранить."
        return await _rounds_page(request, page, olympiad_id, form, problems=[problem])
    subject_code, round_code = slot.split("/", 1)
    try:
        await page.caller.call(
            "registration",
            "PUT",
            f"/olympiads/{olympiad_id}/subjects/{quote(subject_code, safe='')}"
            f"/rounds/{quote(round_code, safe='')}",
            json={"day": day, "start": start, "end": end, "briefing": briefing or None},
        )
    except Refused as refusal:
        return await _rounds_page(
            request, page, olympiad_id, form, problems=refusal_problems(refusal, _FIELD_PROBLEMS)
        )
    notice = f"Тур сохранён: {'.'.join(reversed(day.split('-')))}, {start}–{end}."
    return redirect(request, _path(olympiad_id) + f"?notice={quote(notice)}")


# Venues ------------------------------------------------------------------------------------------


@dataclass
class RoomLine:
    name: str = ""
    rows: str = ""
    desks: str = ""
    capacity: str = ""


@dataclass
class VenueForm:
    name: str = ""
    address: str = ""
    rooms: list[RoomLine] = field(default_factory=list)
    editing: bool = False


async def _venues_page(
    request: Request,
    page: PageContext,
    olympiad_id: uuid.UUID,
    form: VenueForm,
    *,
    notice: str | None = None,
    problems: list[str] | None = None,
) -> Response:
    olympiad = await page.caller.get_json("registration", f"/olympiads/{olympiad_id}")
    form.rooms = [*form.rooms, *(RoomLine() for _ in range(BLANK_ROOMS))]
    return render(
        request,
        "organiser/setup_venues.html",
        status=422 if problems else 200,
        **page.values(),
        olympiad_id=olympiad_id,
        title=olympiad["title"],
        venues=olympiad["venues"],
        form=form,
        notice=notice,
        problems=problems or [],
    )


@router.get("/venues", response_class=HTMLResponse)
async def venues(
    request: Request, page: Page, olympiad_id: uuid.UUID, edit: str = "", notice: str | None = None
) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    form = VenueForm()
    if edit:
        olympiad = await page.caller.get_json("registration", f"/olympiads/{olympiad_id}")
        for v in olympiad["venues"]:
            if v["name"] == edit:
                form = VenueForm(v["name"], v.get("address", ""), [_line(r) for r in v["rooms"]])
                form.editing = True
    return await _venues_page(request, page, olympiad_id, form, notice=notice)


def _line(room: dict[str, Any]) -> RoomLine:
    def text(value: Any) -> str:
        return "" if value is None else str(value)

    return RoomLine(
        room["name"],
        text(room.get("rows")),
        text(room.get("desks_per_row")),
        text(room["capacity"]),
    )


@router.post("/venues")
async def save_venue(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    name: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    editing: Annotated[str, Form()] = "",
    room_name: Annotated[list[str] | None, Form()] = None,
    room_rows: Annotated[list[str] | None, Form()] = None,
    room_desks: Annotated[list[str] | None, Form()] = None,
    room_capacity: Annotated[list[str] | None, Form()] = None,
) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    columns = [room_name or [], room_rows or [], room_desks or [], room_capacity or []]
    width = max(len(c) for c in columns)
    lines = [RoomLine(*(c[i].strip() if i < len(c) else "" for c in columns)) for i in range(width)]
    lines = [line for line in lines if any((line.name, line.rows, line.desks, line.capacity))]
    form = VenueForm(name.strip(), address.strip(), lines, editing=bool(editing))
    problems = [] if form.name else ["Укажите название площадки."]
    rooms = []
    for line in lines:
        room, problem = _room(line)
        if problem:
            problems.append(problem)
        else:
            rooms.append(room)
    if not problems:
        try:
            await page.caller.call(
                "registration",
                "PUT",
                f"/olympiads/{olympiad_id}/venues/{quote(form.name, safe='')}",
                json={"address": form.address, "rooms": rooms},
            )
        except Refused as refusal:
            problems = refusal_problems(refusal, _FIELD_PROBLEMS)
    if problems:
        form.rooms = lines
        return await _venues_page(request, page, olympiad_id, form, problems=problems)
    notice = f"Площадка «{form.name}» сохранена: аудиторий — {len(rooms)}."
    return redirect(request, _path(olympiad_id, "/venues") + f"?notice={quote(notice)}")


def _room(line: RoomLine) -> tuple[dict[str, Any], str | None]:
    """The room as registration reads it; a number typed as words is named here, the rest there."""
    numbers: dict[str, int | None] = {}
    for key, value, what in (
        ("rows", line.rows, "рядов"),
        ("desks_per_row", line.desks, "парт в ряду"),
        ("capacity", line.capacity, "мест"),
    ):
        if value and not value.isdigit():
            return {}, f"Аудитория «{line.name}»: число {what} «{value}» — впишите цифрами."
        numbers[key] = int(value) if value else None
    rows, desks, capacity = numbers["rows"], numbers["desks_per_row"], numbers["capacity"]
    if capacity is None and rows is not None and desks is not None:
        capacity = rows * desks  # one participant per desk (§40)
    if capacity is None:
        return {}, (
            f"Аудитория «{line.name}»: укажите ряды и парты в ряду (для рассадки) или хотя бы "
            "число мест."
        )
    return {"name": line.name, "capacity": capacity, "rows": rows, "desks_per_row": desks}, None
