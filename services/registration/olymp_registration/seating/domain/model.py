"""What seating works on: rooms chosen for grades, the participants to seat, desks and seats.

A room's desks form a grid: `rows` (ряды, from the left as the participants face the board) by
`desks_per_row` (парты, counted from the board). Two desks are neighbours (§30) when they stand
side by side in neighbouring rows or one behind the other in the same row.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from olymp_registration.domain.text import comparison_key


class Desk(NamedTuple):
    """A desk of a room: its row (ряд) and its number in the row from the board, both from 1."""

    row: int
    number: int


class Seat(NamedTuple):
    room: str
    desk: Desk


@dataclass(frozen=True)
class PlannedRoom:
    """A room with its layout, the grades it takes and whether it is one of the rooms chosen for
    participants with special conditions (§12); such a room takes only them."""

    name: str
    rows: int
    desks_per_row: int
    grades: tuple[int, ...]
    special_conditions: bool = False

    @property
    def desks(self) -> int:
        return self.rows * self.desks_per_row

    @property
    def neighbour_limit(self) -> int:
        """The most participants of one school the room holds with no two of them neighbours:
        every other desk, as the black squares of a chessboard."""
        return (self.desks + 1) // 2

    def has(self, desk: Desk) -> bool:
        return 1 <= desk.row <= self.rows and 1 <= desk.number <= self.desks_per_row

    def takes(self, grade: int, special_conditions: bool) -> bool:
        return grade in self.grades and self.special_conditions == special_conditions

    @property
    def label(self) -> str:
        """«Кабинет 12» (7 класс) — the room as the reports name it."""
        grades = ", ".join(str(g) for g in self.grades)
        kind = "класс" if len(self.grades) == 1 else "классы"
        special = ", для участников с особыми условиями" if self.special_conditions else ""
        return f"«{self.name}» ({grades} {kind}{special})"


@dataclass(frozen=True)
class Candidate:
    """A participant to seat: who, of which school and grade, with special conditions or not."""

    participant_id: str
    surname: str
    name: str
    patronymic: str
    grade: int
    school: str
    school_key: str
    special_conditions: bool = False

    @cached_property
    def sort_key(self) -> tuple[str, ...]:
        """Alphabetical order (ё read as е), then the exact spelling, then the school and the id:
        the same people always come in the same order, whatever order they arrive in."""
        return (
            comparison_key(self.surname),
            comparison_key(self.name),
            comparison_key(self.patronymic),
            self.surname,
            self.name,
            self.patronymic,
            self.school_key,
            self.participant_id,
        )

    @property
    def short_name(self) -> str:
        """«Иванова А. С.»"""
        initials = " ".join(f"{part[0]}." for part in (self.name, self.patronymic) if part)
        return f"{self.surname} {initials}".strip()

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.name, self.patronymic) if p)


def neighbours(room: PlannedRoom, desk: Desk) -> Iterator[Desk]:
    """The desks beside (left, right), in front and behind `desk`."""
    for row, number in (
        (desk.row - 1, desk.number),
        (desk.row + 1, desk.number),
        (desk.row, desk.number - 1),
        (desk.row, desk.number + 1),
    ):
        candidate = Desk(row, number)
        if room.has(candidate):
            yield candidate


def neighbour_violations(
    rooms: Sequence[PlannedRoom],
    seats: Mapping[str, Seat],
    school_of: Mapping[str, str],
) -> list[tuple[str, str]]:
    """Pairs of participants of one school at neighbouring desks, each pair once."""
    by_room = {room.name: room for room in rooms}
    at: dict[Seat, str] = {seat: pid for pid, seat in seats.items()}
    found = []
    for pid, seat in seats.items():
        room = by_room[seat.room]
        for desk in neighbours(room, seat.desk):
            other = at.get(Seat(seat.room, desk))
            if other is not None and pid < other and school_of[pid] == school_of[other]:
                found.append((pid, other))
    return sorted(found)
