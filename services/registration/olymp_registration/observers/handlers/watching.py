"""What an observer reads of the check-in they watch (§18): counts per subject at one venue on
one round day, at a venue and on a day the organiser assigned them to. A query: it reads and
never commits."""

from __future__ import annotations

import datetime as dt
import uuid

from olymp_core.auth import Principal, Role
from olymp_core.db import UnitOfWork
from olymp_core.errors import NotPermitted
from olymp_registration import store as registration_store
from olymp_registration.domain import UnknownVenue
from olymp_registration.observers import store
from olymp_registration.observers.domain.watching import CheckInCount, arrival_on, check_in_counts
from olymp_registration.observers.handlers.accreditation import observer_of, olympiad_of

# those who run the check-in read it by their roles and scopes; an observer by assignment
STAFF = (Role.COORDINATOR, Role.MUNICIPAL_COORDINATOR, Role.VENUE_COORDINATOR)


async def check_in_counts_at(
    olympiad_id: uuid.UUID, venue: str, day: dt.date, uow: UnitOfWork, actor: Principal
) -> list[CheckInCount]:
    """The subjects held on `day`, each with how many are expected at `venue` and marked."""
    olympiad = (await olympiad_of(uow, olympiad_id)).olympiad
    if not any(actor.has_role(role) for role in STAFF):
        await _refuse_unassigned(uow, olympiad_id, venue, day, actor)
    if venue not in {v.name for v in olympiad.venues}:
        raise UnknownVenue(
            f"Площадки «{venue}» нет в олимпиаде: выберите одну из её площадок проведения."
        )
    held = {s.subject_code for s in olympiad.subjects if day in s.days}
    # an application that named no venue goes to the olympiad's only one, if it has one
    sole = olympiad.venues[0].name if len(olympiad.venues) == 1 else None
    arrivals = [
        arrival_on(
            day,
            found.participant.subject_code,
            found.marks,
            found.venue_on(day),
            found.assigned_venue or sole,
            removed_on=found.removal.day if found.removal else None,
            withdrawn=found.withdrawal is not None,
        )
        for found in await registration_store.list_participants(uow.session, olympiad_id)
        if found.participant.subject_code in held
    ]
    counted = {c.subject_code: c for c in check_in_counts(arrivals, venue)}
    # a subject of the day with nobody expected there is said, not left out
    return [counted.get(code, CheckInCount(code, 0, 0, 0, 0)) for code in sorted(held)]


async def _refuse_unassigned(
    uow: UnitOfWork, olympiad_id: uuid.UUID, venue: str, day: dt.date, actor: Principal
) -> None:
    """An observer sees the counts of the venue and day the organiser assigned them to."""
    observer = await observer_of(uow, olympiad_id, actor)
    assigned = await store.assignments_of(uow.session, olympiad_id, [observer.observer_id])
    if not any((a.venue, a.day) == (venue, day) for a in assigned):
        raise NotPermitted(
            f"Вы не назначены наблюдателем на площадку «{venue}» на {day:%d.%m.%Y}: явку на "
            "площадке видит наблюдатель, которого туда назначил организатор (п. 18). Если "
            "назначение должно быть, попросите организатора проверить его."
        )
