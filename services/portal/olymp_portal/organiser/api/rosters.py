"""The organiser's roster screen: the jury of each subject (§21: a chair, a secretary, at least
five people), the appeal commission (§102: odd recommended) and the orgcommittee; each person with
the schools they declared as conflicts of interest (seed 000, §2), flagged where participants of
the subject come from them. The screen warns until a composition is complete."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from olymp_core.auth import Role
from olymp_portal.clients import Refused
from olymp_portal.organiser.handlers import refusal_problems
from olymp_portal.pages import Page, PageContext, redirect, render

router = APIRouter(prefix="/organiser/{olympiad_id}/setup/commissions")

POSITIONS = {"chair": "председатель", "secretary": "секретарь", "member": "член"}


@dataclass
class MemberForm:
    roster: str = ""
    """«commission/subject_code», «orgcommittee/» for the orgcommittee"""
    position: str = "member"
    surname: str = ""
    name: str = ""
    patronymic: str = ""
    login: str = ""
    works_at: str = ""
    """one school a line"""
    relatives_at: str = ""
    """one school a line, «; » and who studies there"""
    member_id: str = ""


def roster_key(roster: dict[str, Any]) -> str:
    return f"{roster['commission']}/{roster['subject_code'] or ''}"


def _form_of(roster: dict[str, Any], member: dict[str, Any]) -> MemberForm:
    works = [c["school"] for c in member["conflicts"] if c["kind"] == "works_there"]
    relatives = [
        c["school"] + (f"; {c['note']}" if c["note"] else "")
        for c in member["conflicts"]
        if c["kind"] == "relative_studies"
    ]
    return MemberForm(
        roster_key(roster),
        member["position"],
        member["surname"],
        member["name"],
        member["patronymic"],
        member["login"],
        "\n".join(works),
        "\n".join(relatives),
        member["member_id"],
    )


async def _page(
    request: Request,
    page: PageContext,
    olympiad_id: uuid.UUID,
    chosen: str,
    form: MemberForm | None = None,
    *,
    notice: str | None = None,
    problems: list[str] | None = None,
    edit: str = "",
) -> Response:
    olympiad = await page.caller.get_json("registration", f"/olympiads/{olympiad_id}")
    listed = await page.caller.get_json("registration", f"/olympiads/{olympiad_id}/commissions")
    rosters = listed["rosters"]
    # the chosen composition, else the first one still incomplete
    roster = next((r for r in rosters if roster_key(r) == chosen), None) or next(
        (r for r in rosters if not r["complete"]), rosters[0]
    )
    if form is None:
        member = next((m for m in roster["members"] if m["member_id"] == edit), None)
        form = _form_of(roster, member) if member else MemberForm(roster_key(roster))
    return render(
        request,
        "organiser/setup_rosters.html",
        status=422 if problems else 200,
        **page.values(),
        olympiad_id=olympiad_id,
        title=olympiad["title"],
        rosters=rosters,
        roster=roster,
        key=roster_key,
        positions=POSITIONS,
        form=form,
        notice=notice,
        problems=problems or [],
    )


@router.get("", response_class=HTMLResponse)
async def rosters(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    roster: str = "",
    edit: str = "",
    notice: str | None = None,
) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    return await _page(request, page, olympiad_id, roster, notice=notice, edit=edit)


def _conflicts(form: MemberForm) -> list[dict[str, str]]:
    conflicts = [
        {"kind": "works_there", "school": line.strip(), "note": ""}
        for line in form.works_at.splitlines()
        if line.strip()
    ]
    for line in form.relatives_at.splitlines():
        if line.strip():
            school, _, note = line.partition(";")
            conflicts.append(
                {"kind": "relative_studies", "school": school.strip(), "note": note.strip()}
            )
    return conflicts


@router.post("/members")
async def save_member(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    roster: Annotated[str, Form()] = "",
    position: Annotated[str, Form()] = "member",
    surname: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    patronymic: Annotated[str, Form()] = "",
    login: Annotated[str, Form()] = "",
    works_at: Annotated[str, Form()] = "",
    relatives_at: Annotated[str, Form()] = "",
    member_id: Annotated[str, Form()] = "",
) -> Response:
    """Add a person to the composition, or change the one `member_id` names."""
    page.require(Role.MUNICIPAL_COORDINATOR)
    form = MemberForm(
        roster, position, surname, name, patronymic, login, works_at, relatives_at, member_id
    )
    commission, _, subject_code = roster.partition("/")
    body = {
        "commission": commission,
        "subject_code": subject_code or None,
        "position": position,
        "surname": surname,
        "name": name,
        "patronymic": patronymic,
        "login": login,
        "conflicts": _conflicts(form),
    }
    path = f"/olympiads/{olympiad_id}/commissions/members"
    try:
        if member_id:
            await page.caller.call("registration", "PUT", f"{path}/{member_id}", json=body)
        else:
            await page.caller.call("registration", "POST", path, json=body)
    except Refused as refusal:
        return await _page(
            request,
            page,
            olympiad_id,
            roster,
            form,
            problems=refusal_problems(refusal, _FIELD_PROBLEMS),
        )
    full_name = " ".join(p for p in (surname.strip(), name.strip(), patronymic.strip()) if p)
    notice = f"{full_name}: {'изменения сохранены' if member_id else 'внесён(а) в состав'}."
    return redirect(request, _url(olympiad_id, roster, notice))


@router.post("/members/{member_id}/delete")
async def delete_member(
    request: Request,
    page: Page,
    olympiad_id: uuid.UUID,
    member_id: uuid.UUID,
    roster: Annotated[str, Form()] = "",
    full_name: Annotated[str, Form()] = "",
) -> Response:
    page.require(Role.MUNICIPAL_COORDINATOR)
    try:
        await page.caller.call(
            "registration", "DELETE", f"/olympiads/{olympiad_id}/commissions/members/{member_id}"
        )
    except Refused as refusal:
        notice = refusal.detail
    else:
        notice = f"{full_name} исключён(а) из состава."
    return redirect(request, _url(olympiad_id, roster, notice))


def _url(olympiad_id: uuid.UUID, roster: str, notice: str) -> str:
    return (
        f"/organiser/{olympiad_id}/setup/commissions?roster={quote(roster, safe='')}"
        f"&notice={quote(notice)}"
    )


_FIELD_PROBLEMS = {
    "commission": "Выберите состав: жюри, апелляционную комиссию или оргкомитет.",
    "position": "Выберите, кем человек входит в состав.",
    "surname": "Фамилия — не длиннее 100 символов.",
    "name": "Имя — не длиннее 100 символов.",
    "patronymic": "Отчество — не длиннее 100 символов.",
    "note": "Пояснение о родственнике — не длиннее 200 символов.",
    "school": "Название школы в декларации слишком длинное.",
}
