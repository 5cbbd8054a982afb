"""What the venue's check-in screen reads and sends (§36–37): the subject's participants at this
venue with their desks (the seating, §30–31), today's mark and the identity documents shown, and
one participant marked present or absent at a time; the removal act (§53, App. 14); the works
counted per room after the round (§141). registration decides who may be marked where and when,
which documents the age asks for, and whether a count stands.
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
DOCUMENTS = {
    "passport": "паспорт",
    "birth_certificate": "свидетельство о рождении",
    "school_certificate": "справка школьника с фотографией",
}
PASSPORT: tuple[str, ...] = ("passport",)
CHILD: tuple[str, ...] = ("birth_certificate", "school_certificate")
PASSPORT_AGE = 14


def age_on(birth_date: dt.date, day: dt.date) -> int:
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (1 if before_birthday else 0)


def documents_label(documents: tuple[str, ...]) -> str:
    return " и ".join(DOCUMENTS.get(d, d) for d in documents)


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
    birth_date: dt.date | None = None
    documents: tuple[str, ...] = ()  # shown at the entrance today
    act_number: int | None = None  # of the removal act
    room: str = ""  # of the desk, for the removal act

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.name, self.patronymic) if p)

    def age(self, day: dt.date) -> int | None:
        return None if self.birth_date is None else age_on(self.birth_date, day)

    def asked(self, day: dt.date) -> tuple[tuple[str, ...], ...]:
        """The document sets to offer at the entrance (§36): what the age asks for, or both
        when the application gave no date of birth. registration checks the choice again."""
        age = self.age(day)
        if age is None:
            return (PASSPORT, CHILD)
        return (PASSPORT,) if age >= PASSPORT_AGE else (CHILD,)


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


async def _seats(caller: Caller, path: str) -> dict[str, tuple[str, str]]:
    """participant id → (room, «room, row, desk»)"""
    try:
        seating = await caller.get_json("registration", path)
    except Refused:
        return {}  # not seated yet (404) or not this person's to read: no desks shown
    seats = {}
    for room in seating.get("rooms", []):
        for seat in room.get("seats", []):
            seats[str(seat["participant_id"])] = (
                room["room"],
                f"{room['room']}, ряд {seat['row']}, парта {seat['desk']}",
            )
    return seats


def _today(marks: list[Mapping[str, Any]], day: dt.date) -> Mapping[str, Any] | None:
    found = [m for m in marks if m["day"] == day.isoformat()]
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
        _arrival(p, seats, day) for p in listed["participants"] if p.get("venue") in (None, venue)
    ]
    arrivals.sort(
        key=lambda a: (a.surname.casefold().replace("ё", "е"), a.name.casefold(), a.grade)
    )
    name = scheduled["subject_name"] if scheduled else subject_code
    return CheckInScreen(olympiad_id, subject_code, name, venue, day, tuple(arrivals))


def _arrival(p: Mapping[str, Any], seats: Mapping[str, tuple[str, str]], day: dt.date) -> Arrival:
    today = _today(p["marks"], day)
    removal = p["removal"]
    room, seat = seats.get(str(p["participant_id"]), ("", ""))
    return Arrival(
        str(p["participant_id"]),
        p["surname"],
        p["name"],
        p["patronymic"],
        int(p["grade"]),
        p["school"],
        seat,
        None if today is None else today["attendance"],
        removal is not None,
        bool(p["special_conditions"]),
        dt.date.fromisoformat(p["birth_date"]) if p.get("birth_date") else None,
        tuple(today.get("documents", ())) if today is not None else (),
        None if removal is None else removal.get("act_number"),
        room,
    )


async def mark(
    caller: Caller,
    olympiad_id: uuid.UUID,
    subject_code: str,
    venue: str,
    participant_id: uuid.UUID,
    present: bool,
    documents: tuple[str, ...] = (),
) -> str | None:
    """One participant marked, with the documents shown when present; a refusal of registration
    comes back in its own words."""
    entry: dict[str, Any] = {"participant_id": str(participant_id), "present": present}
    if present:
        entry["documents"] = list(documents)
    try:
        await caller.call(
            "registration",
            "POST",
            f"/olympiads/{olympiad_id}/subjects/{subject_code}/check-in",
            json={"entries": [entry], "venue": venue},
        )
    except Refused as refusal:
        return refusal.detail
    return None


@dataclass(frozen=True)
class TypedCount:
    """A room's count as typed, kept on the screen when refused, with the refusal."""

    room: str
    works: str
    explanation: str
    error: str | None = None


@dataclass(frozen=True)
class RemovalForm:
    """What the removal act is written with (§53): typed values kept when refused."""

    reason: str = ""
    room: str = ""
    organisers: tuple[str, ...] = ("", "")
    members: tuple[str, ...] = ("",)


async def remove(
    caller: Caller,
    olympiad_id: uuid.UUID,
    subject_code: str,
    participant_id: uuid.UUID,
    form: RemovalForm,
) -> str | None:
    """The removal with its act; a refusal of registration comes back in its own words."""
    signatories = [
        {"role": role, "name": name.strip()}
        for role, names in (("organiser_in_room", form.organisers), ("orgcommittee", form.members))
        for name in names
        if name.strip()
    ]
    try:
        await caller.call(
            "registration",
            "POST",
            f"/olympiads/{olympiad_id}/subjects/{subject_code}/participants/{participant_id}/removal",
            json={"reason": form.reason, "room": form.room or None, "signatories": signatories},
        )
    except Refused as refusal:
        return refusal.detail
    return None


async def removal_act(
    caller: Caller, olympiad_id: uuid.UUID, subject_code: str, participant_id: uuid.UUID
) -> bytes:
    path = f"/olympiads/{olympiad_id}/subjects/{subject_code}/participants/{participant_id}"
    return (await caller.call("registration", "GET", path + "/removal/act.pdf")).content


def _works_path(olympiad_id: uuid.UUID, subject_code: str, venue: str) -> str:
    return f"/olympiads/{olympiad_id}/subjects/{subject_code}/venues/{quote(venue, safe='')}/works"


async def works(
    caller: Caller, olympiad_id: uuid.UUID, subject_code: str, venue: str
) -> Mapping[str, Any]:
    """Each room's present participants and the works counted (§141), as registration has them."""
    found: Mapping[str, Any] = await caller.get_json(
        "registration", _works_path(olympiad_id, subject_code, venue)
    )
    return found


async def count_works(
    caller: Caller,
    olympiad_id: uuid.UUID,
    subject_code: str,
    venue: str,
    room: str,
    handed: int,
    explanation: str,
) -> str | None:
    try:
        await caller.call(
            "registration",
            "PUT",
            _works_path(olympiad_id, subject_code, venue) + f"/{quote(room, safe='')}",
            json={"works": handed, "explanation": explanation},
        )
    except Refused as refusal:
        return refusal.detail
    return None
