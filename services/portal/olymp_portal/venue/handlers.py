"""What the venue's check-in screen reads and sends (§36–37): the subject's participants at this
venue with their desks (the seating, §30–31) and today's mark, and one participant marked present
or absent at a time. registration decides who may be marked where and when.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from olymp_portal.clients import Caller, Refused

ATTENDANCE = {"present": "явился", "absent": "не явился"}


@dataclass(frozen=True)
class Arrival:
    participant_id: str
    surname: str
    name: str
    patronymic: str
    grade: int
    school: str
    seat: str  # «Кабинет 12, ряд 2, парта 3», or empty before the seating
    mark: str | None  # "present" / "absent" today, or None
    removed: bool
    special: bool  # special conditions (§12): the coordinator takes care

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.name, self.patronymic) if p)


@dataclass(frozen=True)
class CheckInScreen:
    olympiad_id: uuid.UUID
    subject_code: str
    subject_name: str
    venue: str
    day: dt.date
    arrivals: tuple[Arrival, ...]

    @property
    def present(self) -> int:
        return sum(1 for a in self.arrivals if a.mark == "present")

    @property
    def absent(self) -> int:
        return sum(1 for a in self.arrivals if a.mark == "absent")

    @property
    def waiting(self) -> int:
        return sum(1 for a in self.arrivals if a.mark is None and not a.removed)


async def olympiads(caller: Caller) -> list[Any]:
    found: list[Any] = (await caller.get_json("registration", "/olympiads"))["olympiads"]
    return found


async def _seats(caller: Caller, path: str) -> dict[str, str]:
    try:
        seating = await caller.get_json("registration", path)
    except Refused:
        return {}  # not seated yet (404) or not this person's to read: no desks shown
    seats = {}
    for room in seating.get("rooms", []):
        for seat in room.get("seats", []):
            seats[str(seat["participant_id"])] = (
                f"{room['room']}, ряд {seat['row']}, парта {seat['desk']}"
            )
    return seats


def _today_mark(marks: list[Mapping[str, Any]], day: dt.date) -> str | None:
    found = [m["attendance"] for m in marks if m["day"] == day.isoformat()]
    return found[-1] if found else None


async def check_in_screen(
    caller: Caller, olympiad_id: uuid.UUID, subject_code: str, venue: str, now: dt.datetime
) -> CheckInScreen:
    olympiad = await caller.get_json("registration", f"/olympiads/{olympiad_id}")
    zone = ZoneInfo(olympiad["time_zone"])
    scheduled = next((s for s in olympiad["subjects"] if s["subject_code"] == subject_code), None)
    day = dt.date.fromisoformat(scheduled["day"]) if scheduled else now.astimezone(zone).date()
    listed = await caller.get_json(
        "registration", f"/olympiads/{olympiad_id}/participants", subject_code=subject_code
    )
    seats = await _seats(
        caller,
        f"/olympiads/{olympiad_id}/subjects/{subject_code}/venues/{quote(venue, safe='')}/seating",
    )
    arrivals = [
        Arrival(
            str(p["participant_id"]),
            p["surname"],
            p["name"],
            p["patronymic"],
            int(p["grade"]),
            p["school"],
            seats.get(str(p["participant_id"]), ""),
            _today_mark(p["marks"], day),
            p["removal"] is not None,
            bool(p["special_conditions"]),
        )
        for p in listed["participants"]
        if p.get("venue") in (None, venue)
    ]
    arrivals.sort(
        key=lambda a: (a.surname.casefold().replace("ё", "е"), a.name.casefold(), a.grade)
    )
    name = scheduled["subject_name"] if scheduled else subject_code
    return CheckInScreen(olympiad_id, subject_code, name, venue, day, tuple(arrivals))


async def mark(
    caller: Caller,
    olympiad_id: uuid.UUID,
    subject_code: str,
    venue: str,
    participant_id: uuid.UUID,
    present: bool,
) -> str | None:
    """One participant marked; a refusal of registration comes back in its own words."""
    try:
        await caller.call(
            "registration",
            "POST",
            f"/olympiads/{olympiad_id}/subjects/{subject_code}/check-in",
            json={
                "entries": [{"participant_id": str(participant_id), "present": present}],
                "venue": venue,
            },
        )
    except Refused as refusal:
        return refusal.detail
    return None
