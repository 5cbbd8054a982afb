"""The live state of what an observer watches (§18), read with the observer's own token: at a
round the check-in counts of the venue (registration) and the subject's packages (materials); at
checking the progress per grade (scoring); at the show and the appeals the appeal session in
order (appeals). Room video of the observer's venues is listed and played through the portal.

A service that refuses or does not answer leaves its part of the screen saying so; the rest is
shown. Every read is the services' to allow: the portal asks, never decides.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar
from zoneinfo import ZoneInfo

import httpx

from olymp_core.subjects import GRADES
from olymp_portal.clients import Caller, Refused, Unavailable
from olymp_portal.observer.handlers import Assignment, Observation
from olymp_portal.pages import subject_name

T = TypeVar("T")

KINDS = {"tasks": "задания", "criteria": "критерии", "equipment": "перечень оборудования"}
# §112, §110: the appeal's state as the commission's protocol names it
APPEAL_OUTCOMES = {
    "reject": "отклонена, баллы сохранены",
    "raise": "удовлетворена с повышением баллов",
    "lower": "удовлетворена с понижением баллов",
    "not_reviewed": "не рассматривалась (неявка без уважительной причины)",
}


@dataclass(frozen=True)
class CheckInRow:
    subject: str
    expected: int
    present: int
    absent: int
    not_marked: int
    removed: int


@dataclass(frozen=True)
class PackageRow:
    title: str  # «математика: критерии»
    release: str  # local time of the instant
    released: bool
    receipts: str  # «подтвердили 2 из 3 муниципалитетов», or empty where not known


@dataclass(frozen=True)
class GradeProgress:
    subject: str
    grade: int
    total: int
    checked: int
    annulled: int
    all_checked: bool


@dataclass(frozen=True)
class AppealRow:
    number: int  # in the order of filing: the session's order
    subject: str
    grade: int
    filed: str
    tasks: tuple[int, ...]
    decided: bool
    state: str


@dataclass
class Watch:
    """One assignment and what is happening there now."""

    assignment: Assignment
    check_in: list[CheckInRow] | None = None
    packages: list[PackageRow] | None = None
    progress: list[GradeProgress] | None = None
    appeals: list[AppealRow] | None = None
    unavailable: list[str] = field(default_factory=list)  # what could not be read, and why


@dataclass(frozen=True)
class LiveState:
    observation: Observation
    watches: tuple[Watch, ...]
    refreshed: str


def _local(text: str, zone: ZoneInfo, form: str = "%d.%m %H:%M") -> str:
    return f"{dt.datetime.fromisoformat(text).astimezone(zone):{form}}"


async def _held_on(caller: Caller, olympiad_id: uuid.UUID) -> dict[dt.date, list[str]]:
    olympiad = await caller.get_json("registration", f"/olympiads/{olympiad_id}")
    held: dict[dt.date, list[str]] = {}
    for found in olympiad["subjects"]:
        held.setdefault(dt.date.fromisoformat(found["day"]), []).append(found["subject_code"])
    return held


async def _check_in(caller: Caller, olympiad_id: uuid.UUID, a: Assignment) -> list[CheckInRow]:
    found = await caller.get_json(
        "registration",
        f"/olympiads/{olympiad_id}/check-in-counts",
        venue=a.venue,
        day=a.date.isoformat(),
    )
    return [
        CheckInRow(
            subject_name(c["subject_code"]),
            c["expected"],
            c["present"],
            c["absent"],
            c["not_marked"],
            c["removed"],
        )
        for c in found["subjects"]
        if not a.subject_code or c["subject_code"] == a.subject_code
    ]


async def _packages(
    caller: Caller, olympiad_id: uuid.UUID, subjects: list[str], zone: ZoneInfo
) -> list[PackageRow]:
    listed = await caller.get_json("materials", f"/olympiads/{olympiad_id}/packages")
    try:
        status = await caller.get_json("materials", f"/olympiads/{olympiad_id}/packages/status")
    except Refused:
        status = {"items": []}  # a municipality's mirror: receipts are kept on the regional hub
    receipts = {}
    for package in status["items"]:
        municipalities = package["municipalities"]
        if not municipalities:
            continue  # a hub that expects no municipality has no receipts to count
        confirmed = sum(1 for m in municipalities if m["receipt_confirmed"])
        receipts[package["package_id"]] = (
            f"получение подтвердили {confirmed} из {len(municipalities)} муниципалитетов"
        )
    return [
        PackageRow(
            f"{subject_name(p['subject_code'])}: {KINDS.get(p['kind'], p['kind'])}",
            _local(p["release_at"], zone),
            bool(p["released"]),
            receipts.get(p["package_id"], ""),
        )
        for p in sorted(listed["items"], key=lambda p: (p["release_at"], p["subject_code"]))
        if p["subject_code"] in subjects
    ]


async def _progress(
    caller: Caller, olympiad_id: uuid.UUID, subjects: list[str]
) -> list[GradeProgress]:
    async def of(code: str, grade: int) -> GradeProgress:
        found = await caller.get_json(
            "scoring", f"/olympiads/{olympiad_id}/subjects/{code}/grades/{grade}/progress"
        )
        return GradeProgress(
            subject_name(code),
            grade,
            found["works_total"],
            found["works_checked"],
            found["works_annulled"],
            found["all_checked"],
        )

    found = await asyncio.gather(*(of(code, grade) for code in subjects for grade in GRADES))
    return [p for p in found if p.total]  # a grade with no works has nothing to watch


async def _appeals(
    caller: Caller, olympiad_id: uuid.UUID, subjects: list[str], zone: ZoneInfo
) -> list[AppealRow]:
    rows = []
    for code in subjects:
        listed = await caller.get_json(
            "appeals", f"/olympiads/{olympiad_id}/appeals", subject_code=code
        )
        ordered = sorted(listed["items"], key=lambda a: (a["filed_at"], a["appeal_id"]))
        for number, appeal in enumerate(ordered, start=1):
            outcome = appeal["outcome"]
            rows.append(
                AppealRow(
                    number,
                    subject_name(code),
                    int(appeal["grade"]),
                    _local(appeal["filed_at"], zone),
                    tuple(appeal["tasks"]),
                    outcome is not None,
                    APPEAL_OUTCOMES.get(outcome, outcome) if outcome else "ждёт рассмотрения",
                )
            )
    return rows


async def _part(watch: Watch, what: str, read: Awaitable[T]) -> T | None:
    try:
        return await read
    except (Refused, Unavailable) as exc:
        watch.unavailable.append(f"{what}: {exc.detail}")
        return None


async def live_state(caller: Caller, observation: Observation, now: dt.datetime) -> LiveState:
    """Each assignment with what its procedure shows now."""
    olympiad_id, zone = observation.olympiad_id, observation.zone
    held = await _held_on(caller, olympiad_id)
    every = sorted({code for codes in held.values() for code in codes})
    watches = []
    for a in observation.assignments:
        watch = Watch(a)
        # all subjects: of that day at a round, of the olympiad at checking, show and appeals
        of_day = held.get(a.date, []) if a.procedure == "round" else every
        subjects = [a.subject_code] if a.subject_code else of_day
        if a.procedure == "round":
            watch.check_in = await _part(
                watch, "Регистрация участников", _check_in(caller, olympiad_id, a)
            )
            watch.packages = await _part(
                watch,
                "Олимпиадные материалы",
                _packages(caller, olympiad_id, subjects, zone),
            )
        elif a.procedure == "checking":
            watch.progress = await _part(
                watch, "Ход проверки", _progress(caller, olympiad_id, subjects)
            )
        else:  # the analysis and show, the appeals: the appeal session
            watch.appeals = await _part(
                watch, "Апелляции", _appeals(caller, olympiad_id, subjects, zone)
            )
        watches.append(watch)
    return LiveState(observation, tuple(watches), f"{now.astimezone(zone):%H:%M:%S}")


@dataclass(frozen=True)
class RecordingRow:
    recording_id: str
    venue: str
    room: str
    subject: str
    day: dt.date
    starts: str
    ends: str
    minutes: int
    flags: tuple[str, ...]


async def recordings(caller: Caller, observation: Observation) -> list[RecordingRow]:
    """The recordings of the venues the observer is assigned to, by venue, room and start."""
    venues = sorted({a.venue for a in observation.assignments if a.procedure == "round"})
    rows = []
    for venue in venues:
        found = await caller.get_json(
            "registration", f"/olympiads/{observation.olympiad_id}/recordings", venue=venue
        )
        for r in found["recordings"]:
            rows.append(
                RecordingRow(
                    str(r["recording_id"]),
                    r["venue"],
                    r["room"],
                    subject_name(r["subject_code"]),
                    dt.date.fromisoformat(r["day"]),
                    _local(r["starts_at"], observation.zone, "%H:%M"),
                    _local(r["ends_at"], observation.zone, "%H:%M"),
                    round(float(r["duration_s"]) / 60),
                    tuple(r.get("flags") or ()),
                )
            )
    return sorted(rows, key=lambda r: (r.venue, r.day, r.room, r.starts))


@dataclass
class Media:
    """A recording's bytes on their way from registration (or the object store) to the browser."""

    body: AsyncIterator[bytes]
    media_type: str
    headers: Mapping[str, str]
    close: Callable[[], Awaitable[None]]


async def recording_media(caller: Caller, olympiad_id: uuid.UUID, recording_id: uuid.UUID) -> Media:
    """A short-lived link asked of registration (granted or refused there, audited), then the
    bytes behind it: the browser reaches only the portal, so the page's CSP stays 'self'."""
    granted = await caller.get_json(
        "registration", f"/olympiads/{olympiad_id}/recordings/{recording_id}/playback"
    )
    client = caller.backends.clients["registration"]
    try:
        response = await client.send(client.build_request("GET", granted["url"]), stream=True)
    except httpx.HTTPError as exc:
        raise Unavailable(
            f"Видеозапись не получена ({type(exc).__name__}): повторите через минуту."
        ) from exc
    if response.status_code >= 400:
        await response.aclose()
        raise Refused(
            f"Видеозапись не открылась (ответ {response.status_code}): обновите страницу.",
            status=response.status_code,
        )
    headers = {"Cache-Control": "private, no-store"}
    if "content-length" in response.headers:
        headers["Content-Length"] = response.headers["content-length"]
    return Media(
        response.aiter_raw(),
        response.headers.get("content-type", "video/mp4"),
        headers,
        response.aclose,
    )
