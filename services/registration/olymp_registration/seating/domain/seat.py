"""Seating a subject's participants at a venue (§30, §40): the one entry point, `seat`.

Rooms take the grades the plan gives them; participants with special conditions (§12) sit only in
the rooms chosen for them, and those rooms take no one else; one participant per desk; no two
neighbours (left, right, in front, behind) from one school whenever any arrangement allows it —
when none does, nobody is seated and the report says which room, which school, how many too many
and what to do. A reseat after late changes keeps everyone whose desk is still right where they
are and seats the newcomers on the free desks; it moves people only when that cannot be done.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from olymp_registration.seating.domain import messages
from olymp_registration.seating.domain.arrange import EMPTY, arrange
from olymp_registration.seating.domain.distribute import to_rooms
from olymp_registration.seating.domain.errors import SeatingImpossible
from olymp_registration.seating.domain.model import Candidate, Desk, PlannedRoom, Seat


@dataclass(frozen=True)
class Seating:
    """Where everyone sits, and what a reseat changed."""

    rooms: tuple[PlannedRoom, ...]
    seats: dict[str, Seat]
    """participant id → seat, room by room in the plan's order, desks from the board"""
    moved: tuple[str, ...] = ()
    """seated before, at another desk now"""
    added: tuple[str, ...] = ()
    """not seated before"""
    released: tuple[str, ...] = ()
    """seated before and no longer to seat (withdrawn, or of a grade the plan dropped)"""

    @property
    def kept(self) -> int:
        return len(self.seats) - len(self.moved) - len(self.added)


def seat(
    rooms: Sequence[PlannedRoom],
    candidates: Sequence[Candidate],
    previous: Mapping[str, Seat] | None = None,
) -> Seating:
    """Seat `candidates` in `rooms`, keeping the `previous` seats that are still right.

    Raises SeatingImpossible with every reason when no lawful arrangement exists.
    """
    previous = previous or {}
    people = sorted(candidates, key=lambda c: c.sort_key)
    kept = _still_right(rooms, people, previous)
    seats, problems = _attempt(rooms, people, kept, previous)
    if seats is None and kept:
        # the newcomers do not fit around those who stay: a fresh seating, as close as it can be
        seats, problems = _attempt(rooms, people, {}, previous)
    if seats is None:
        raise SeatingImpossible(problems)
    ids = {c.participant_id for c in people}
    return Seating(
        rooms=tuple(rooms),
        seats=seats,
        moved=tuple(pid for pid, s in seats.items() if pid in previous and previous[pid] != s),
        added=tuple(pid for pid in seats if pid not in previous),
        released=tuple(sorted(pid for pid in previous if pid not in ids)),
    )


def _still_right(
    rooms: Sequence[PlannedRoom], people: Sequence[Candidate], previous: Mapping[str, Seat]
) -> dict[str, Seat]:
    """The previous seats that the plan still allows, one person per desk."""
    by_name = {room.name: room for room in rooms}
    kept: dict[str, Seat] = {}
    taken: set[Seat] = set()
    for person in people:
        was = previous.get(person.participant_id)
        room = None if was is None else by_name.get(was.room)
        if was is None or room is None or was in taken:
            continue
        if room.takes(person.grade, person.special_conditions) and room.has(was.desk):
            kept[person.participant_id] = was
            taken.add(was)
    return kept


def _attempt(
    rooms: Sequence[PlannedRoom],
    people: Sequence[Candidate],
    kept: Mapping[str, Seat],
    previous: Mapping[str, Seat],
) -> tuple[dict[str, Seat] | None, list[str]]:
    newcomers = [p for p in people if p.participant_id not in kept]
    free = {room.name: room.desks for room in rooms}
    for was in kept.values():
        free[was.room] -= 1
    placed, problems = to_rooms(rooms, people, newcomers, free, kept, previous)
    if placed is None:
        return None, problems
    seats: dict[str, Seat] = {}
    by_room: dict[str, list[Candidate]] = {room.name: [] for room in rooms}
    for person in people:
        by_room[placed[person.participant_id]].append(person)
    for room in rooms:
        desks = _arrange_room(room, by_room[room.name], kept, previous)
        if desks is None:
            problems.append(messages.room_unsolved(room))
            continue
        for pid, desk in sorted(desks.items(), key=lambda item: (item[1].number, item[1].row)):
            seats[pid] = Seat(room.name, desk)
    return (seats if not problems else None), problems


def _arrange_room(
    room: PlannedRoom,
    inside: Sequence[Candidate],
    kept: Mapping[str, Seat],
    previous: Mapping[str, Seat],
) -> dict[str, Desk] | None:
    """participant id → desk in `room`: those kept stay; if the newcomers cannot be seated
    around them, the room is seated afresh, each school tried first where its people sat."""
    schools = sorted({p.school_key for p in inside})
    index = {school: i for i, school in enumerate(schools)}
    staying = [p for p in inside if p.participant_id in kept]
    coming = [p for p in inside if p.participant_id not in kept]
    pinned = {_cell(room, kept[p.participant_id].desk): index[p.school_key] for p in staying}
    layout = arrange(room.rows, room.desks_per_row, _counts(coming, index), pinned=pinned)
    if layout is not None:
        desks = {p.participant_id: kept[p.participant_id].desk for p in staying}
        desks.update(_fill(room, layout, coming, index, pinned, previous))
        return desks
    preferred = {
        _cell(room, previous[p.participant_id].desk): index[p.school_key]
        for p in inside
        if p.participant_id in previous
        and previous[p.participant_id].room == room.name
        and room.has(previous[p.participant_id].desk)
    }
    layout = arrange(room.rows, room.desks_per_row, _counts(inside, index), preferred=preferred)
    if layout is None:
        return None
    return _fill(room, layout, inside, index, {}, previous)


def _counts(people: Sequence[Candidate], index: Mapping[str, int]) -> list[int]:
    counts = [0] * len(index)
    for person in people:
        counts[index[person.school_key]] += 1
    return counts


def _cell(room: PlannedRoom, desk: Desk) -> int:
    return (desk.number - 1) * room.rows + (desk.row - 1)


def _desk(room: PlannedRoom, cell: int) -> Desk:
    return Desk(cell % room.rows + 1, cell // room.rows + 1)


def _fill(
    room: PlannedRoom,
    layout: Sequence[int],
    people: Sequence[Candidate],
    index: Mapping[str, int],
    pinned: Mapping[int, int],
    previous: Mapping[str, Seat],
) -> dict[str, Desk]:
    """People onto the desks the layout gives their school: a person whose previous desk is
    one of them keeps it, the others take the rest from the board backwards, alphabetically."""
    open_cells: dict[int, list[int]] = {}
    for cell, school in enumerate(layout):
        if school != EMPTY and cell not in pinned:
            open_cells.setdefault(school, []).append(cell)
    desks: dict[str, Desk] = {}
    waiting: list[Candidate] = []
    for person in people:
        cells = open_cells.get(index[person.school_key], [])
        was = previous.get(person.participant_id)
        if was is not None and was.room == room.name and room.has(was.desk):
            cell = _cell(room, was.desk)
            if cell in cells:
                cells.remove(cell)
                desks[person.participant_id] = was.desk
                continue
        waiting.append(person)
    for person in waiting:
        desks[person.participant_id] = _desk(room, open_cells[index[person.school_key]].pop(0))
    return desks
