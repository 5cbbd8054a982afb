"""The participants' access codes — issue, print, revoke.

The list of participants is registration's, read with the organiser's own token, so only the
participants registration shows this person get a code. A code is shown once, on the printable
slips that come back from «Выдать коды»; afterwards the screen shows only when it was issued.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from olymp_core.auth import Role
from olymp_core.dependencies import Uow
from olymp_portal.clients import Caller
from olymp_portal.pages import Page, redirect, render, subject_name
from olymp_portal.participant import handlers

router = APIRouter(prefix="/organiser")


@dataclass(frozen=True)
class Registered:
    participant_id: uuid.UUID
    full_name: str
    school: str
    subject_name: str
    grade: int


async def _participants(caller: Caller, olympiad_id: uuid.UUID) -> list[Registered]:
    listed = await caller.get_json("registration", f"/olympiads/{olympiad_id}/participants")
    found = [
        Registered(
            uuid.UUID(p["participant_id"]),
            " ".join(part for part in (p["surname"], p["name"], p["patronymic"]) if part),
            p["school"],
            subject_name(p["subject_code"]),
            int(p["grade"]),
        )
        for p in listed["participants"]
    ]
    return sorted(found, key=lambda r: (r.subject_name, r.grade, r.full_name.casefold()))


async def _olympiad_title(caller: Caller, olympiad_id: uuid.UUID) -> str:
    found = await caller.get_json("registration", f"/olympiads/{olympiad_id}")
    return str(found["title"])


@router.get("", response_class=HTMLResponse)
async def choose(request: Request, page: Page) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    listed = await page.caller.get_json("registration", "/olympiads")
    return render(request, "organiser/choose.html", **page.values(), olympiads=listed["olympiads"])


@router.get("/{olympiad_id}/codes", response_class=HTMLResponse)
async def codes(
    request: Request, page: Page, uow: Uow, olympiad_id: uuid.UUID, notice: str | None = None
) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    people = await _participants(page.caller, olympiad_id)
    issued = await handlers.issued_codes(olympiad_id, uow)
    return render(
        request,
        "organiser/codes.html",
        **page.values(),
        olympiad_id=olympiad_id,
        title=await _olympiad_title(page.caller, olympiad_id),
        people=people,
        issued=issued,
        notice=notice,
    )


@router.post("/{olympiad_id}/codes", response_class=HTMLResponse)
async def issue(
    request: Request,
    page: Page,
    uow: Uow,
    olympiad_id: uuid.UUID,
    participant: Annotated[list[uuid.UUID] | None, Form()] = None,
    missing: Annotated[bool, Form()] = False,
) -> Response:
    """Fresh codes for the chosen participants (or all without a live one): the slips to print."""
    page.require(Role.MUNICIPAL_COORDINATOR)
    people = {p.participant_id: p for p in await _participants(page.caller, olympiad_id)}
    chosen = set(participant or ())
    if missing:
        issued = await handlers.issued_codes(olympiad_id, uow)
        chosen |= {pid for pid in people if pid not in issued or issued[pid].revoked_at is not None}
    unknown = chosen - set(people)
    if unknown or not chosen:
        why = (
            "Отметьте участников, которым нужен код."
            if not chosen
            else "Среди отмеченных есть участник, которого нет в списке этой олимпиады."
        )
        return redirect(request, f"/organiser/{olympiad_id}/codes?notice={quote(why)}")
    commands = [
        handlers.IssueCode(olympiad_id, pid, people[pid].full_name)
        for pid in sorted(chosen, key=lambda pid: people[pid].full_name.casefold())
    ]
    new = await handlers.issue_codes(commands, uow, page.visitor.account.login)
    slips: list[dict[str, Any]] = [
        {"code": item.code, "person": people[item.participant_id]} for item in new
    ]
    return render(
        request,
        "organiser/slips.html",
        **page.values(),
        olympiad_id=olympiad_id,
        title=await _olympiad_title(page.caller, olympiad_id),
        slips=slips,
        sign_in_url=str(request.base_url).rstrip("/") + "/login/code",
        headers={"Cache-Control": "no-store"},
    )


@router.post("/{olympiad_id}/codes/{participant_id}/revoke")
async def revoke(
    request: Request, page: Page, uow: Uow, olympiad_id: uuid.UUID, participant_id: uuid.UUID
) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    if participant_id not in {
        p.participant_id for p in await _participants(page.caller, olympiad_id)
    }:
        return redirect(
            request,
            f"/organiser/{olympiad_id}/codes?notice={quote('Такого участника нет в списке.')}",
        )
    await handlers.revoke_code(olympiad_id, participant_id, uow, page.visitor.account.login)
    return redirect(
        request,
        f"/organiser/{olympiad_id}/codes?notice={quote('Код отозван: по нему больше не войти.')}",
    )
