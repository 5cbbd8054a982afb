"""The organiser's calls to registration: the participants import, seating and its lists, a
round's times and the warnings before its end. Registration decides; these only ask and bring
back what it answered, a refusal included, for the page to show beside what was chosen."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from olymp_portal.clients import Caller, Refused

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GRADES = (7, 8, 9, 10, 11)


@dataclass(frozen=True)
class RowError:
    """One problem of an import as registration names it: the row in the file (None for the
    file as a whole), the column, the value read, what is wrong and what to do."""

    row: int | None
    column: str
    value: str
    fault: str
    remedy: str


@dataclass(frozen=True)
class Imported:
    count: int


@dataclass(frozen=True)
class NotImported:
    detail: str
    errors: tuple[RowError, ...] = ()


async def import_file(
    caller: Caller, olympiad_id: uuid.UUID, file_name: str, data: bytes
) -> Imported | NotImported:
    """All the file's rows or none (registration's rule); the format by the file's name."""
    xlsx = file_name.casefold().endswith(".xlsx")
    try:
        response = await caller.call(
            "registration",
            "POST",
            f"/olympiads/{olympiad_id}/participants/import",
            params={"format": "xlsx" if xlsx else "csv"},
            content=data,
            content_type=XLSX if xlsx else "text/csv",
        )
    except Refused as refusal:
        errors = tuple(
            RowError(
                row=e.get("row"),
                column=e.get("column") or "",
                value=e.get("value") or "",
                fault=e.get("fault") or e.get("message") or "",
                remedy=e.get("remedy") or "",
            )
            for e in refusal.problem.get("errors") or ()
            if isinstance(e, dict)
        )
        return NotImported(refusal.detail, errors)
    return Imported(int(response.json()["imported"]))


ERROR_COLUMNS = ("Строка", "Столбец", "Значение", "Что не так", "Что сделать")


def errors_csv(errors: tuple[RowError, ...]) -> bytes:
    """The errors as a table for Excel in a Russian locale: «;» between cells, UTF-8 with BOM."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(ERROR_COLUMNS)
    for e in errors:
        where = "весь файл" if e.row is None else e.row
        writer.writerow([where, e.column, e.value, e.fault, e.remedy])
    return buffer.getvalue().encode("utf-8-sig")


@dataclass(frozen=True)
class Seat:
    row: int
    desk: int
    full_name: str
    short_name: str
    grade: int
    school: str
    special_conditions: bool


@dataclass(frozen=True)
class SeatedRoom:
    name: str
    rows: int
    desks_per_row: int
    grades: tuple[int, ...]
    special_conditions: bool
    seats: dict[tuple[int, int], Seat] = field(default_factory=dict)

    def lines(self) -> list[list[tuple[int, Seat | None]]]:
        """From the board backwards: each line of desks, from the left (row 1) to the right."""
        return [
            [(row, self.seats.get((row, desk))) for row in range(1, self.rows + 1)]
            for desk in range(1, self.desks_per_row + 1)
        ]


@dataclass(frozen=True)
class Seating:
    version: int
    seated_at: dt.datetime
    seated: int
    moved: int
    added: int
    released: int
    round_day: dt.date
    last_seating_day: dt.date
    rooms: tuple[SeatedRoom, ...]
    not_seated: int

    def plan(self) -> dict[str, tuple[tuple[int, ...], bool]]:
        """The rooms of the last seating: name → (grades, for special conditions)."""
        return {r.name: (r.grades, r.special_conditions) for r in self.rooms}


def seating_path(olympiad_id: uuid.UUID, subject_code: str, venue: str) -> str:
    return (
        f"/olympiads/{olympiad_id}/subjects/{quote(subject_code, safe='')}"
        f"/venues/{quote(venue, safe='')}/seating"
    )


async def seating(
    caller: Caller, olympiad_id: uuid.UUID, subject_code: str, venue: str
) -> Seating | None:
    """The venue's seating in the subject; None before the first."""
    try:
        found = await caller.get_json(
            "registration", seating_path(olympiad_id, subject_code, venue)
        )
    except Refused as refusal:
        if str(refusal.problem.get("type", "")).endswith("/seating-not-found"):
            return None
        raise
    return _seating(found)


def _seating(found: dict[str, Any]) -> Seating:
    rooms = []
    for room in found["rooms"]:
        seats = {}
        for s in room["seats"]:
            initials = " ".join(f"{part[0]}." for part in (s["name"], s["patronymic"]) if part)
            seats[(int(s["row"]), int(s["desk"]))] = Seat(
                row=int(s["row"]),
                desk=int(s["desk"]),
                full_name=" ".join(p for p in (s["surname"], s["name"], s["patronymic"]) if p),
                short_name=f"{s['surname']} {initials}".strip(),
                grade=int(s["grade"]),
                school=s["school"],
                special_conditions=bool(s["special_conditions"]),
            )
        rooms.append(
            SeatedRoom(
                name=room["room"],
                rows=int(room["rows"]),
                desks_per_row=int(room["desks_per_row"]),
                grades=tuple(int(g) for g in room["grades"]),
                special_conditions=bool(room["special_conditions"]),
                seats=seats,
            )
        )
    return Seating(
        version=int(found["version"]),
        seated_at=dt.datetime.fromisoformat(found["seated_at"]),
        seated=int(found["seated"]),
        moved=int(found["moved"]),
        added=int(found["added"]),
        released=int(found["released"]),
        round_day=dt.date.fromisoformat(found["round_day"]),
        last_seating_day=dt.date.fromisoformat(found["last_seating_day"]),
        rooms=tuple(rooms),
        not_seated=len(found["not_seated"]),
    )


@dataclass(frozen=True)
class SeatingChoice:
    """What the organiser asks for: these rooms for a grade (None: every grade), some of them for
    participants with special conditions (§12)."""

    grade: int | None
    rooms: tuple[str, ...]
    special_rooms: tuple[str, ...]


def new_plan(
    choice: SeatingChoice, previous: Seating | None, grades_present: set[int]
) -> list[dict[str, Any]]:
    """The plan to send: the chosen rooms for the chosen grade, the other grades' rooms kept as
    the last seating had them (a grade seated alone leaves the rest seated). «Every grade» puts
    all the venue's grades into the chosen rooms and keeps nothing else."""
    chosen = set(choice.rooms) | set(choice.special_rooms)
    grades = (
        (choice.grade,) if choice.grade is not None else tuple(sorted(grades_present or GRADES))
    )
    plan: list[dict[str, Any]] = []
    if choice.grade is not None and previous is not None:
        for name, (kept_grades, special) in previous.plan().items():
            if name in chosen:
                continue
            others = [g for g in kept_grades if g != choice.grade]
            if others:
                plan.append({"room": name, "grades": others, "special_conditions": special})
    for name in choice.rooms:
        if name not in choice.special_rooms:
            plan.append({"room": name, "grades": list(grades), "special_conditions": False})
    for name in choice.special_rooms:
        plan.append({"room": name, "grades": list(grades), "special_conditions": True})
    return plan


@dataclass(frozen=True)
class NotSeated:
    detail: str
    problems: tuple[str, ...]


async def seat(
    caller: Caller,
    olympiad_id: uuid.UUID,
    subject_code: str,
    venue: str,
    plan: list[dict[str, Any]],
) -> Seating | NotSeated:
    try:
        response = await caller.call(
            "registration",
            "PUT",
            seating_path(olympiad_id, subject_code, venue),
            json={"rooms": plan},
        )
    except Refused as refusal:
        if refusal.status in (409, 422):
            problems = refusal.problem.get("errors") or ()
            listed = tuple(p if isinstance(p, str) else str(p.get("msg", p)) for p in problems)
            return NotSeated(refusal.detail, listed)
        raise
    return _seating(response.json())


async def seating_pdf(
    caller: Caller,
    olympiad_id: uuid.UUID,
    subject_code: str,
    venue: str,
    which: str,
    room: str | None,
) -> bytes:
    """The entrance list (`which` = "entrance") or the rooms' lists ("rooms"), as registration
    prints them (§31)."""
    path = seating_path(olympiad_id, subject_code, venue) + f"/{which}.pdf"
    response = await caller.call(
        "registration", "GET", path, params={"room": room} if room else None
    )
    return response.content


@dataclass(frozen=True)
class Round:
    subject_code: str
    subject_name: str
    round_code: str
    day: dt.date
    start: str
    end: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    end_warnings: str
    warning_minutes: tuple[int, ...]


def rounds_of(olympiad: dict[str, Any]) -> list[Round]:
    """Every round of every subject, by day and start."""
    found = [
        Round(
            subject_code=s["subject_code"],
            subject_name=s["subject_name"],
            round_code=r["round_code"],
            day=dt.date.fromisoformat(r["day"]),
            start=r["start"][:5],
            end=r["end"][:5],
            starts_at=dt.datetime.fromisoformat(r["starts_at"]),
            ends_at=dt.datetime.fromisoformat(r["ends_at"]),
            end_warnings=r["end_warnings"],
            warning_minutes=tuple(int(m) for m in r["warning_minutes"]),
        )
        for s in olympiad["subjects"]
        for r in s.get("rounds", ())
    ]
    return sorted(found, key=lambda r: (r.starts_at, r.subject_name))


async def set_end_warnings(
    caller: Caller, olympiad_id: uuid.UUID, subject_code: str, round_code: str, scheme: str
) -> None:
    await caller.call(
        "registration",
        "PUT",
        f"/olympiads/{olympiad_id}/subjects/{quote(subject_code, safe='')}"
        f"/rounds/{quote(round_code, safe='')}/end-warnings",
        json={"end_warnings": scheme},
    )


def refusal_problems(refusal: Refused, fields: Mapping[str, str]) -> list[str]:
    """Registration's reasons for a refused set-up form, once each; a field its request model
    refused is named by `fields` (field name -> what to put right, in Russian)."""
    found = []
    for error in refusal.problem.get("errors") or ():
        if isinstance(error, str):
            found.append(error)
        elif isinstance(error, dict):
            where = [str(part) for part in error.get("location") or ()]
            named = next((fields[p] for p in reversed(where) if p in fields), None)
            found.append(named or refusal.detail)
    return list(dict.fromkeys(found)) or [refusal.detail]
