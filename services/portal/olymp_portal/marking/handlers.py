"""What the marking screens ask of the services, as the person at the screen.

A work is always taken through scoring's queue (`claims`): the server chooses it, never a work the
member marked already, never more hands than the rule allows (§69, §73). The pages come from coding
as short-lived links signed for this member; the portal passes their images on (`scan_image`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from olymp_portal.clients import Caller, Refused
from olymp_portal.schemas import PointsField


@dataclass(frozen=True)
class SubjectGradeRef:
    olympiad_id: uuid.UUID
    subject_code: str
    grade: int

    @property
    def path(self) -> str:
        return f"/olympiads/{self.olympiad_id}/subjects/{self.subject_code}/grades/{self.grade}"

    @property
    def page(self) -> str:
        """The portal's address of this subject and grade's marking."""
        return f"/marking/{self.olympiad_id}/{self.subject_code}/{self.grade}"


@dataclass(frozen=True)
class Task:
    number: int
    max_points: Decimal
    step: Decimal


@dataclass(frozen=True)
class Claim:
    work_code: str
    tasks: tuple[int, ...]
    third_mark: bool
    expires_at: dt.datetime


@dataclass(frozen=True)
class ScanPage:
    page_id: str  # coding's id: annotations name their page by it
    sheet: int | None
    url: str  # the portal's own address of the image
    rotation: int = 0  # degrees clockwise that stand the page upright (the coding officer's)


@dataclass(frozen=True)
class Round:
    label: str
    jury_member_id: str
    task_scores: dict[int, str]
    comment: str = ""
    annotations: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class WorkScreen:
    ref: SubjectGradeRef
    claim: Claim
    tasks: tuple[Task, ...]  # the tasks this member marks now, in order
    pages: tuple[ScanPage, ...]
    # the earlier rounds, for a third member only (§73); empty for the first two (§69)
    rounds: tuple[Round, ...] = ()
    # the olympiad's own time zone: "held until 10:35" is read on the olympiad's clocks
    zone: dt.tzinfo = dt.UTC


@dataclass(frozen=True)
class Offer:
    """One subject and grade a jury member can mark in."""

    ref: SubjectGradeRef
    olympiad_title: str
    subject_name: str
    works_total: int
    works_checked: int
    criteria_set: bool


async def offers(caller: Caller) -> list[Offer]:
    """The subjects and grades with criteria set that this person may mark, olympiad by olympiad."""
    found = []
    listed = await caller.get_json("registration", "/olympiads")
    for olympiad in listed["olympiads"]:
        olympiad_id = uuid.UUID(olympiad["olympiad_id"])
        names = {s["subject_code"]: s["subject_name"] for s in olympiad["subjects"]}
        grades = await caller.get_json("scoring", f"/olympiads/{olympiad_id}/subject-grades")
        for item in grades["subject_grades"]:
            ref = SubjectGradeRef(olympiad_id, item["subject_code"], int(item["grade"]))
            found.append(
                Offer(
                    ref,
                    olympiad["title"],
                    names.get(ref.subject_code, ref.subject_code),
                    int(item["works_total"]),
                    int(item["works_checked"]),
                    bool(item["criteria_set"]),
                )
            )
    return found


# "Open the next work" claims it and redirects to the work's page, which needs the claim again:
# what scoring answered a moment ago is kept for that one read, instead of asking twice. Only
# for a few seconds and for the same person and work; any other case asks scoring (which stays
# the judge of every mark), and a portal of several processes simply asks more often.
JUST_CLAIMED_S = 15.0
_just_claimed: dict[tuple[str, SubjectGradeRef], tuple[Claim, float]] = {}


async def take_work(caller: Caller, ref: SubjectGradeRef) -> Claim | None:
    """The work the server gives this member now (the one held already, if any); None: no more."""
    response = await caller.call("scoring", "POST", ref.path + "/claims")
    if response.status_code == 204:
        return None
    body = response.json()
    claim = Claim(
        work_code=body["work_code"],
        tasks=tuple(int(n) for n in body["tasks"]),
        third_mark=bool(body["third_mark"]),
        expires_at=dt.datetime.fromisoformat(body["expires_at"]),
    )
    now = time.monotonic()
    if len(_just_claimed) > 10_000:  # pages never opened (a closed tab): forget the old ones
        for key, (_, at) in list(_just_claimed.items()):
            if now - at > JUST_CLAIMED_S:
                del _just_claimed[key]
    _just_claimed[(caller.login, ref)] = (claim, now)
    return claim


async def held_work(caller: Caller, ref: SubjectGradeRef, work_code: str) -> Claim | None:
    """The claim behind a work's page: the one just taken for this person, else scoring's."""
    kept = _just_claimed.pop((caller.login, ref), None)
    if kept is not None:
        claim, at = kept
        if claim.work_code == work_code and time.monotonic() - at < JUST_CLAIMED_S:
            return claim
    return await take_work(caller, ref)


async def release_work(caller: Caller, olympiad_id: uuid.UUID, work_code: str) -> None:
    await caller.call("scoring", "DELETE", f"/olympiads/{olympiad_id}/works/{work_code}/claim")


# An olympiad's time zone, kept for a while: the work page is opened hundreds of times an hour
# and the zone is set when the olympiad is created.
ZONE_KEPT_S = 600.0
_zones: dict[uuid.UUID, tuple[ZoneInfo, float]] = {}


async def olympiad_zone(caller: Caller, olympiad_id: uuid.UUID) -> ZoneInfo:
    kept = _zones.get(olympiad_id)
    if kept is not None and time.monotonic() - kept[1] < ZONE_KEPT_S:
        return kept[0]
    olympiad = await caller.get_json("registration", f"/olympiads/{olympiad_id}")
    zone = ZoneInfo(olympiad["time_zone"])
    _zones[olympiad_id] = (zone, time.monotonic())
    return zone


async def work_screen(caller: Caller, ref: SubjectGradeRef, claim: Claim) -> WorkScreen:
    # the criteria, the pages and the zone are independent: asked at once
    scheme, pages, zone = await asyncio.gather(
        caller.get_json("scoring", ref.path + "/scheme"),
        scan_pages(caller, ref.olympiad_id, claim.work_code),
        olympiad_zone(caller, ref.olympiad_id),
    )
    by_number = scheme_tasks(scheme)
    tasks = tuple(by_number[n] for n in claim.tasks if n in by_number)
    rounds: tuple[Round, ...] = ()
    if claim.third_mark:
        rounds = (await work_rounds(caller, ref.olympiad_id, claim.work_code)).rounds
    return WorkScreen(ref, claim, tasks, pages, rounds, zone)


def scheme_tasks(scheme: Mapping[str, Any]) -> dict[int, Task]:
    """scoring's criteria, task by task."""
    step = Decimal(scheme["step"])
    return {
        int(t["number"]): Task(int(t["number"]), Decimal(t["max_points"]), step)
        for t in scheme["tasks"]
    }


async def scan_pages(
    caller: Caller, olympiad_id: uuid.UUID, work_code: str
) -> tuple[ScanPage, ...]:
    """The work's pages as coding lists them for this person, with links through the portal."""
    listed = await caller.get_json("coding", f"/olympiads/{olympiad_id}/works/{work_code}/pages")
    return tuple(
        ScanPage(
            str(page["page_id"]),
            page.get("sheet"),
            portal_scan_url(olympiad_id, page["url"]),
            int(page.get("rotation", 0)),
        )
        for page in listed["pages"]
    )


@dataclass(frozen=True)
class Rounds:
    status: str
    disputed_tasks: tuple[int, ...]
    rounds: tuple[Round, ...]


async def work_rounds(caller: Caller, olympiad_id: uuid.UUID, work_code: str) -> Rounds:
    """Every round of the work, labelled: scoring shows them to the chair and to the third member
    holding the work only (§69, §73)."""
    found = await caller.get_json("scoring", f"/olympiads/{olympiad_id}/works/{work_code}/rounds")
    return Rounds(
        found["status"],
        tuple(int(n) for n in found["disputed_tasks"]),
        tuple(
            Round(
                r["label"],
                r["jury_member_id"],
                {int(n): str(p).replace(".", ",") for n, p in r["task_scores"].items()},
                r.get("comment", ""),
                tuple(r.get("annotations", ())),
            )
            for r in found["rounds"]
        ),
    )


def portal_scan_url(olympiad_id: uuid.UUID, signed_url: str) -> str:
    """coding's signed link, as an address of the portal that passes the image on."""
    parts = urlsplit(signed_url)
    page_id = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return f"/scans/{olympiad_id}/{page_id}?{parts.query}"


def typed_points(form: Mapping[str, Any]) -> dict[int, PointsField]:
    """The points fields of a submitted marking form (task-1, task-2, ...), as typed."""
    typed = {}
    for name, value in form.items():
        number = name.removeprefix("task-")
        if name.startswith("task-") and number.isdigit():
            typed[int(number)] = PointsField(int(number), str(value))
    return dict(sorted(typed.items()))


@dataclass(frozen=True)
class NotesField:
    """The comment and the annotations (JSON the page's script keeps) as the browser sent them."""

    comment: str = ""
    annotations_text: str = ""

    @property
    def annotations(self) -> list[Any] | None:
        """The annotations, or None when the text is not a JSON list (scoring checks the rest)."""
        if not self.annotations_text.strip():
            return []
        try:
            found = json.loads(self.annotations_text)
        except ValueError:
            return None
        return found if isinstance(found, list) else None


def typed_notes(form: Mapping[str, Any]) -> NotesField:
    return NotesField(str(form.get("comment", "")), str(form.get("annotations", "")))


async def record_marks(
    caller: Caller,
    ref: SubjectGradeRef,
    work_code: str,
    typed: Mapping[int, PointsField],
    notes: NotesField = NotesField(),
) -> dict[int, str]:
    """Send the typed points; the refusals by field (0: the whole work), empty when recorded.

    The portal checks only that each field holds a number; the limits, the step, which tasks a
    member marks and whether the work is still theirs are scoring's rules, and its refusal names
    the task (`task_number`). Nothing else is asked first: "save and next" is two calls.
    """
    errors: dict[int, str] = {}
    for number, field in typed.items():
        if not field.text.strip():
            errors[number] = f"Укажите балл за задание {number}."
        elif field.value is None:
            errors[number] = (
                f"Балл за задание {number} — не число: «{field.text}». "
                "Введите число, дробную часть через запятую или точку."
            )
    annotations = notes.annotations
    if annotations is None:
        errors[0] = (
            "Пометки на страницах не прочитаны (страница работы повреждена). "
            "Обновите страницу: баллы и комментарий сохранены в этом браузере."
        )
    if errors:
        return errors
    points = {n: f.value for n, f in typed.items() if f.value is not None}
    try:
        await caller.call(
            "scoring",
            "POST",
            f"/olympiads/{ref.olympiad_id}/works/{work_code}/marks",
            json={
                "task_scores": {str(n): str(v) for n, v in points.items()},
                "comment": notes.comment,
                "annotations": annotations,
            },
        )
    except Refused as refusal:
        return field_errors(refusal) or {0: refusal.detail}
    return {}


async def my_progress(caller: Caller, ref: SubjectGradeRef) -> dict[str, Any]:
    progress: dict[str, Any] = await caller.get_json("scoring", ref.path + "/marking-progress")
    return progress


def field_errors(refusal: Refused) -> dict[int, str]:
    """The fields a refusal names: scoring puts the task (or tasks) it refused into the problem."""
    numbers: list[int] = []
    if isinstance(refusal.problem.get("task_number"), int):
        numbers.append(refusal.problem["task_number"])
    numbers.extend(n for n in refusal.problem.get("task_numbers") or () if isinstance(n, int))
    return dict.fromkeys(numbers, refusal.detail)
