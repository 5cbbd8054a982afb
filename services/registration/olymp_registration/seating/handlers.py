"""Seating a venue in a subject (§30) and reading it back for the lists (§31).

`seat_participants` is a command (it commits); `get_seating` is a query. Who is seated at a venue:
those the application assigns to it, and those it assigns nowhere, of a grade the venue's plan
takes, who are not seated at another venue; never a withdrawn application.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from olymp_core.auth import Principal
from olymp_core.clock import to_local
from olymp_core.db import UnitOfWork
from olymp_core.subjects import subject
from olymp_registration import store
from olymp_registration.domain import (
    EducationForm,
    Olympiad,
    UnknownVenue,
    Venue,
    comparison_key,
)
from olymp_registration.domain.text import school_key
from olymp_registration.handlers.olympiads import get_olympiad, round_days
from olymp_registration.seating import store as seating_store
from olymp_registration.seating.domain import (
    Candidate,
    PlannedRoom,
    RoomChoice,
    Seat,
    SeatingNotFound,
    check_seating_day,
    last_seating_day,
    planned_rooms,
    seat,
)


@dataclass(frozen=True)
class SeatParticipants:
    olympiad_id: uuid.UUID
    subject_code: str
    venue: str
    rooms: tuple[RoomChoice, ...]


@dataclass(frozen=True)
class SeatedParticipant:
    stored: store.StoredParticipant
    seat: Seat


@dataclass(frozen=True)
class SeatingView:
    """A venue's seating in a subject, as the lists print it."""

    olympiad_id: uuid.UUID
    olympiad_title: str
    time_zone: str
    subject_code: str
    venue: Venue
    round_day: dt.date
    plan: seating_store.StoredPlan
    rooms: tuple[PlannedRoom, ...]
    seated: tuple[SeatedParticipant, ...]
    """room by room in the plan's order, from the board backwards, each line from the left"""
    not_seated: tuple[store.StoredParticipant, ...]
    """added after the last seating: a reseat seats them"""

    @property
    def last_day(self) -> dt.date:
        return last_seating_day(self.round_day)

    @property
    def subject_name(self) -> str:
        return subject(self.subject_code).name


def find_venue(olympiad: Olympiad, name: str) -> Venue:
    for venue in olympiad.venues:
        if venue.name == name:
            return venue
    listed = ", ".join(f"«{v.name}»" for v in olympiad.venues) or "площадки ещё не внесены"
    raise UnknownVenue(
        f"Площадки проведения «{name}» нет в этой олимпиаде (есть: {listed}). Укажите название "
        "площадки так, как оно записано в олимпиаде.",
        venue=name,
    )


def candidate(stored: store.StoredParticipant) -> Candidate:
    p = stored.participant
    # §9: pupils in family education or self-education share no organisation with anyone
    organisation = (
        school_key(p.school)
        if p.education_form is EducationForm.SCHOOL
        else f"{p.education_form.value}:{stored.participant_id}"
    )
    return Candidate(
        participant_id=str(stored.participant_id),
        surname=p.surname,
        name=p.name,
        patronymic=p.patronymic,
        grade=p.grade,
        school=p.school,
        school_key=organisation,
        special_conditions=bool(p.special_conditions),
    )


def venue_people(
    everyone: Sequence[store.StoredParticipant],
    venue: str,
    seated: Mapping[uuid.UUID, tuple[str, Seat]],
    rooms: Sequence[PlannedRoom],
) -> list[store.StoredParticipant]:
    grades = {grade for room in rooms for grade in room.grades}
    found = []
    for stored in everyone:
        if stored.withdrawal is not None:
            continue
        if stored.assigned_venue == venue:
            found.append(stored)
        elif stored.assigned_venue is None and stored.participant.grade in grades:
            where = seated.get(stored.participant_id)
            if where is None or where[0] == venue:
                found.append(stored)
    return found


async def seat_participants(
    command: SeatParticipants, uow: UnitOfWork, actor: Principal
) -> SeatingView:
    """Seat (or reseat) the venue's participants of the subject by the plan, no later than the
    day before the round (§30). The same plan and people again change nothing."""
    await store.lock_olympiad(uow.session, command.olympiad_id)
    olympiad = (await get_olympiad(command.olympiad_id, uow)).olympiad
    venue = find_venue(olympiad, command.venue)
    round_day = round_days(olympiad, command.subject_code)[0]
    now = uow.clock.now()
    today = to_local(now, olympiad.time_zone).date()
    check_seating_day(today, round_day, subject(command.subject_code).name, olympiad.time_zone)
    rooms = planned_rooms(venue, command.rooms)
    everyone = await store.list_participants(
        uow.session, command.olympiad_id, subject_code=command.subject_code
    )
    placed = await seating_store.seats_of(uow.session, command.olympiad_id, command.subject_code)
    people = venue_people(everyone, venue.name, placed, rooms)
    previous = {str(pid): s for pid, (where, s) in placed.items() if where == venue.name}
    seating = seat(rooms, [candidate(p) for p in people], previous)
    choices = tuple(RoomChoice(room.name, room.grades, room.special_conditions) for room in rooms)
    earlier = await seating_store.get_plan(
        uow.session, command.olympiad_id, command.subject_code, venue.name
    )
    unchanged = earlier is not None and earlier.rooms == choices and seating.seats == previous
    if not unchanged:
        plan = seating_store.StoredPlan(
            venue=venue.name,
            rooms=choices,
            version=1 if earlier is None else earlier.version + 1,
            seated_at=now,
            seated_by=actor.subject,
            moved=len(seating.moved),
            added=len(seating.added),
            released=len(seating.released),
        )
        await seating_store.save_seating(
            uow.session,
            command.olympiad_id,
            command.subject_code,
            plan,
            {uuid.UUID(pid): s for pid, s in seating.seats.items()},
        )
        await uow.audit(
            actor=actor.subject,
            action="seating.seated",
            object_type="seating",
            object_id=f"{command.olympiad_id}/{command.subject_code}/{venue.name}",
            payload={
                "version": plan.version,
                "rooms": [
                    {"room": c.room, "grades": list(c.grades), "special": c.special_conditions}
                    for c in choices
                ],
                "seated": len(seating.seats),
                "moved": list(seating.moved),
                "added": len(seating.added),
                "released": list(seating.released),
            },
        )
        await uow.commit()
    return await get_seating(command.olympiad_id, command.subject_code, venue.name, uow)


async def get_seating(
    olympiad_id: uuid.UUID, subject_code: str, venue_name: str, uow: UnitOfWork
) -> SeatingView:
    olympiad = (await get_olympiad(olympiad_id, uow)).olympiad
    venue = find_venue(olympiad, venue_name)
    round_day = round_days(olympiad, subject_code)[0]
    plan = await seating_store.get_plan(uow.session, olympiad_id, subject_code, venue.name)
    if plan is None:
        raise SeatingNotFound(
            f"Участники по предмету «{subject(subject_code).name}» на площадке «{venue.name}» "
            f"ещё не рассажены. Рассадку проводят не позднее {last_seating_day(round_day):%d.%m.%Y}"
            " (за один день до тура, §30)."
        )
    rooms = _rooms_of(venue, plan.rooms)
    everyone = await store.list_participants(uow.session, olympiad_id, subject_code=subject_code)
    placed = await seating_store.seats_of(uow.session, olympiad_id, subject_code)
    by_id = {p.participant_id: p for p in everyone}
    order = {room.name: i for i, room in enumerate(rooms)}
    here = sorted(
        ((pid, s) for pid, (where, s) in placed.items() if where == venue.name),
        key=lambda item: (
            order.get(item[1].room, len(order)),
            item[1].room,
            item[1].desk.number,
            item[1].desk.row,
        ),
    )
    seated = tuple(SeatedParticipant(by_id[pid], s) for pid, s in here)
    waiting = tuple(
        p
        for p in venue_people(everyone, venue.name, placed, rooms)
        if p.participant_id not in placed
    )
    return SeatingView(
        olympiad_id=olympiad_id,
        olympiad_title=olympiad.title,
        time_zone=olympiad.time_zone,
        subject_code=subject_code,
        venue=venue,
        round_day=round_day,
        plan=plan,
        rooms=rooms,
        seated=seated,
        not_seated=waiting,
    )


def _rooms_of(venue: Venue, choices: Sequence[RoomChoice]) -> tuple[PlannedRoom, ...]:
    """The plan's rooms with their layouts now; a room the venue no longer has is left out (its
    desks held nobody, or the venue could not have dropped it)."""
    by_key = {comparison_key(room.name): room for room in venue.rooms}
    found = []
    for choice in choices:
        room = by_key.get(comparison_key(choice.room))
        if room is not None and room.rows is not None and room.desks_per_row is not None:
            found.append(
                PlannedRoom(
                    room.name,
                    room.rows,
                    room.desks_per_row,
                    choice.grades,
                    choice.special_conditions,
                )
            )
    return tuple(found)
