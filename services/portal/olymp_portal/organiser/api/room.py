"""The rounds of an olympiad with the warnings before each end, and the room screen for the board
(§35: the start and end of the round on the board; §44 or §133: the time left announced 30 and 5
or 15 and 5 minutes before the end, as the organiser chose for the round).

The screen ticks in the browser (static/js/room.js) from the portal's clock read at loading, so a
board whose computer clock is wrong still shows the right time left."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from olymp_core.auth import Role
from olymp_core.clock import to_local
from olymp_core.dependencies import CurrentClock
from olymp_portal.clients import Refused
from olymp_portal.organiser import handlers
from olymp_portal.pages import Page, redirect, render

router = APIRouter(prefix="/organiser")

SCHEMES = {
    "30-5": "за 30 и за 5 минут до окончания (§44)",
    "15-5": "за 15 и за 5 минут до окончания (§133)",
}


@router.get("/{olympiad_id}/rounds", response_class=HTMLResponse)
async def rounds(
    request: Request, page: Page, olympiad_id: uuid.UUID, notice: str | None = None
) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    olympiad = await page.caller.get_json("registration", f"/olympiads/{olympiad_id}")
    return render(
        request,
        "organiser/rounds.html",
        **page.values(),
        olympiad_id=olympiad_id,
        title=olympiad["title"],
        rounds=handlers.rounds_of(olympiad),
        rooms=sorted({r["name"] for v in olympiad["venues"] for r in v["rooms"]}),
        schemes=SCHEMES,
        notice=notice,
    )


@router.post("/{olympiad_id}/rounds/{subject_code}/{round_code}/end-warnings")
async def choose_end_warnings(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    subject_code: str,
    round_code: str,
    end_warnings: Annotated[str, Form()],
) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    try:
        await handlers.set_end_warnings(
            page.caller, olympiad_id, subject_code, round_code, end_warnings
        )
    except Refused as refusal:
        notice = refusal.detail
    else:
        notice = f"Предупреждения сохранены: {SCHEMES.get(end_warnings, end_warnings)}."
    return redirect(request, f"/organiser/{olympiad_id}/rounds?notice={quote(notice)}")


@router.get("/{olympiad_id}/room", response_class=HTMLResponse)
async def room_screen(
    request: Request,
    page: Page,
    clock: CurrentClock,
    olympiad_id: uuid.UUID,
    subject: str,
    round: str = "",
    room: str = "",
) -> Response:
    """The board's screen of one round (the subject's first, unless `round` names another)."""
    page.require(Role.MUNICIPAL_COORDINATOR, Role.VENUE_COORDINATOR)
    olympiad = await page.caller.get_json("registration", f"/olympiads/{olympiad_id}")
    found = [
        r
        for r in handlers.rounds_of(olympiad)
        if r.subject_code == subject and (not round or r.round_code == round)
    ]
    if not found:
        query = urlencode({"notice": "Такого тура нет в расписании олимпиады."})
        return redirect(request, f"/organiser/{olympiad_id}/rounds?{query}")
    chosen = found[0]
    return render(
        request,
        "organiser/room.html",
        **page.values(),
        olympiad_id=olympiad_id,
        round=chosen,
        room=room,
        time_zone=olympiad["time_zone"],
        now=clock.now(),
        now_local=to_local(clock.now(), olympiad["time_zone"]).strftime("%H:%M"),
        local_day=to_local(chosen.starts_at, olympiad["time_zone"]).date(),
        headers={"Cache-Control": "no-store"},
    )
