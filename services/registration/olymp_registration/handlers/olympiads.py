"""Creating and reading olympiads."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from olymp_core.auth import Principal, ScopeKind
from olymp_core.contracts.registration import OlympiadCreated, ScheduledSubject
from olymp_core.db import UnitOfWork
from olymp_core.subjects import UnknownSubject, subject
from olymp_registration import store
from olymp_registration.domain import (
    EndWarnings,
    InvalidOlympiad,
    MunicipalityOutOfScope,
    Olympiad,
    OlympiadExists,
    OlympiadNotFound,
    SubjectNotScheduled,
    SubjectSchedule,
    Venue,
    comparison_key,
)
from olymp_registration.seating import store as seating_store
from olymp_registration.seating.domain import RoomLayoutInUse, Seat
from olymp_registration.seating.domain.messages import participants


@dataclass(frozen=True)
class CreateOlympiad:
    title: str
    school_year: str
    time_zone: str
    subjects: tuple[SubjectSchedule, ...]
    venues: tuple[Venue, ...]
    # None: the organiser's one municipality, else the installation's (`olympiad_municipality`)
    municipality_id: str | None = None
    # the region's id of this olympiad (the hub's packages come under it); None: a new one
    olympiad_id: uuid.UUID | None = None


@dataclass(frozen=True)
class UpdateVenue:
    olympiad_id: uuid.UUID
    venue: Venue
    """The venue as it is to be: its name says which one (a new name adds a venue)."""


@dataclass(frozen=True)
class SetEndWarnings:
    olympiad_id: uuid.UUID
    subject_code: str
    round_code: str
    warnings: EndWarnings


def scheduled_subjects(olympiad: Olympiad) -> list[ScheduledSubject]:
    """The first (or only) round of each subject, with UTC instants of its local times."""
    scheduled = []
    for schedule in olympiad.subjects:
        first = min(schedule.rounds, key=lambda slot: (slot.day, slot.starts_at))
        starts_at, ends_at = olympiad.round_instants(schedule.subject_code, first.round_code)
        scheduled.append(
            ScheduledSubject(
                subject_code=schedule.subject_code,
                day=first.day,
                round_starts_at=starts_at,
                round_ends_at=ends_at,
            )
        )
    return scheduled


def olympiad_municipality(requested: str | None, actor: Principal, installation: str) -> str | None:
    """Whose olympiad is being created: the one named; else the one municipality the organiser's
    token is scoped to; else the installation's. An organiser of one municipality creates no
    olympiad of another's."""
    restricted = actor.is_restricted(ScopeKind.MUNICIPALITY)
    own = sorted(actor.scopes.get(ScopeKind.MUNICIPALITY, frozenset())) if restricted else []
    chosen = requested or (own[0] if len(own) == 1 else installation) or None
    if restricted and (chosen is None or not actor.may_access(ScopeKind.MUNICIPALITY, chosen)):
        raise MunicipalityOutOfScope(
            f"Ваш доступ ограничен муниципалитетами ({', '.join(own)}), а олимпиада создаётся "
            + (f"для «{chosen}»" if chosen else "без муниципалитета")
            + ": укажите в municipality_id один из своих."
        )
    return chosen


async def create_olympiad(
    command: CreateOlympiad, uow: UnitOfWork, actor: Principal, *, installation_municipality: str
) -> store.StoredOlympiad:
    """Every broken rule is reported at once (`InvalidOlympiad.problems`); nothing is stored."""
    municipality_id = olympiad_municipality(
        command.municipality_id, actor, installation_municipality
    )
    olympiad = Olympiad(
        title=command.title,
        school_year=command.school_year,
        time_zone=command.time_zone,
        subjects=command.subjects,
        venues=command.venues,
    )
    olympiad_id = command.olympiad_id or uuid.uuid4()
    if command.olympiad_id is not None and await store.get_olympiad(uow.session, olympiad_id):
        raise OlympiadExists(
            f"Олимпиада {olympiad_id} уже создана в этой системе: откройте её (GET "
            f"/olympiads/{olympiad_id}) и измените, а не создавайте заново."
        )
    now = uow.clock.now()
    await store.add_olympiad(
        uow.session,
        olympiad_id,
        olympiad,
        created_at=now,
        created_by=actor.subject,
        municipality_id=municipality_id,
    )
    subjects = scheduled_subjects(olympiad)
    uow.publish(
        OlympiadCreated(
            olympiad_id=olympiad_id,
            title=olympiad.title,
            time_zone=olympiad.time_zone,
            subjects=tuple(subjects),
            municipality_id=municipality_id,
        )
    )
    await uow.audit(
        actor=actor.subject,
        action="olympiad.created",
        object_type="olympiad",
        object_id=str(olympiad_id),
        payload={
            "title": olympiad.title,
            "school_year": olympiad.school_year,
            "time_zone": olympiad.time_zone,
            "subjects": [s.model_dump(mode="json") for s in subjects],
            "venues": [v.name for v in olympiad.venues],
            "municipality_id": municipality_id,
        },
    )
    await uow.commit()
    return store.StoredOlympiad(olympiad_id, olympiad, now, municipality_id)


async def list_olympiads(uow: UnitOfWork, reader: Principal) -> list[store.StoredOlympiad]:
    """Every olympiad of this installation the reader may reach (a municipality's coordinator:
    their own municipality's), the newest first (a municipality holds a few a year)."""
    found = []
    for olympiad_id in await store.olympiad_ids(uow.session):
        stored = await store.get_olympiad(uow.session, olympiad_id)
        if stored is not None and _reaches(reader, stored.municipality_id):
            found.append(stored)
    return found


def _reaches(reader: Principal, municipality_id: str | None) -> bool:
    if not reader.is_restricted(ScopeKind.MUNICIPALITY):
        return True
    return municipality_id is not None and reader.may_access(
        ScopeKind.MUNICIPALITY, municipality_id
    )


async def get_olympiad(olympiad_id: uuid.UUID, uow: UnitOfWork) -> store.StoredOlympiad:
    found = await store.get_olympiad(uow.session, olympiad_id)
    if found is None:
        raise OlympiadNotFound(
            f"Олимпиада {olympiad_id} не найдена: проверьте идентификатор олимпиады."
        )
    return found


def round_days(olympiad: Olympiad, subject_code: str) -> tuple[dt.date, ...]:
    """The days the subject is held; refused when the subject is not in this olympiad."""
    try:
        return olympiad.schedule_of(subject_code).days
    except (InvalidOlympiad, UnknownSubject) as exc:
        raise SubjectNotScheduled(f"{exc} Проверьте код предмета в адресе запроса.") from None


async def update_venue(command: UpdateVenue, uow: UnitOfWork, actor: Principal) -> Venue:
    """Add a venue or replace an existing one's address and rooms (with their desk layouts).

    Refused while it would take away a desk where someone is seated: reseat first.
    """
    await store.lock_olympiad(uow.session, command.olympiad_id)
    olympiad = (await get_olympiad(command.olympiad_id, uow)).olympiad
    for known in olympiad.venues:
        if known.name != command.venue.name and comparison_key(known.name) == comparison_key(
            command.venue.name
        ):
            raise InvalidOlympiad(
                [
                    f"Площадка уже записана как «{known.name}»: укажите её название в точности "
                    "так (по нему площадку находят в рассадке, явке и видеозаписях)."
                ]
            )
    updated = olympiad.with_venue(command.venue)  # checks every rule of the olympiad again
    venue = next(v for v in updated.venues if v.name == command.venue.name)
    _keep_seated_desks(
        venue, await seating_store.seats_at_venue(uow.session, command.olympiad_id, venue.name)
    )
    await store.save_venue(uow.session, command.olympiad_id, venue)
    await uow.audit(
        actor=actor.subject,
        action="venue.updated",
        object_type="venue",
        object_id=f"{command.olympiad_id}/{venue.name}",
        payload={
            "address": venue.address,
            "rooms": [
                {
                    "name": r.name,
                    "capacity": r.capacity,
                    "rows": r.rows,
                    "desks_per_row": r.desks_per_row,
                }
                for r in venue.rooms
            ],
        },
    )
    await uow.commit()
    return venue


async def set_end_warnings(
    command: SetEndWarnings, uow: UnitOfWork, actor: Principal
) -> store.StoredOlympiad:
    """The organiser's choice of when a round's rooms are warned of its end (§44 or §133)."""
    await store.lock_olympiad(uow.session, command.olympiad_id)
    olympiad = (await get_olympiad(command.olympiad_id, uow)).olympiad
    try:
        olympiad.slot(command.subject_code, command.round_code)
    except (InvalidOlympiad, UnknownSubject) as exc:
        raise SubjectNotScheduled(f"{exc} Проверьте предмет и тур в адресе запроса.") from None
    await store.save_end_warnings(
        uow.session,
        command.olympiad_id,
        command.subject_code,
        command.round_code,
        command.warnings,
    )
    minutes = command.warnings.minutes
    await uow.audit(
        actor=actor.subject,
        action="round.end_warnings_set",
        object_type="round",
        object_id=f"{command.olympiad_id}/{command.subject_code}/{command.round_code}",
        payload={"minutes_before_end": list(minutes), "paragraph": command.warnings.paragraph},
    )
    await uow.commit()
    return await get_olympiad(command.olympiad_id, uow)


def _keep_seated_desks(venue: Venue, seated: list[tuple[str, Seat]]) -> None:
    rooms = {room.name: room for room in venue.rooms}
    lost: dict[tuple[str, str], int] = {}
    for subject_code, seat in seated:
        room = rooms.get(seat.room)
        if (
            room is None
            or room.rows is None
            or room.desks_per_row is None
            or seat.desk.row > room.rows
            or seat.desk.number > room.desks_per_row
        ):
            key = (seat.room, subject(subject_code).name)
            lost[key] = lost.get(key, 0) + 1
    if lost:
        listed = "; ".join(
            f"«{room}»: {subject_name}, {participants(count)}"
            for (room, subject_name), count in lost.items()
        )
        raise RoomLayoutInUse(
            f"На площадке «{venue.name}» участники уже рассажены за партами, которых после "
            f"изменения не будет ({listed}). Сначала проведите рассадку этих предметов заново "
            "без этих аудиторий или парт, затем измените площадку."
        )
