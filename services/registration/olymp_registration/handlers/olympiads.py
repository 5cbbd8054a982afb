"""Creating and reading olympiads."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from olymp_core.auth import Principal
from olymp_core.contracts.registration import OlympiadCreated, ScheduledSubject
from olymp_core.db import UnitOfWork
from olymp_core.subjects import UnknownSubject
from olymp_registration import store
from olymp_registration.domain import (
    InvalidOlympiad,
    Olympiad,
    OlympiadNotFound,
    SubjectNotScheduled,
    SubjectSchedule,
    Venue,
)


@dataclass(frozen=True)
class CreateOlympiad:
    title: str
    school_year: str
    time_zone: str
    subjects: tuple[SubjectSchedule, ...]
    venues: tuple[Venue, ...]


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


async def create_olympiad(
    command: CreateOlympiad, uow: UnitOfWork, actor: Principal
) -> store.StoredOlympiad:
    """Every broken rule is reported at once (`InvalidOlympiad.problems`); nothing is stored."""
    olympiad = Olympiad(
        title=command.title,
        school_year=command.school_year,
        time_zone=command.time_zone,
        subjects=command.subjects,
        venues=command.venues,
    )
    olympiad_id = uuid.uuid4()
    now = uow.clock.now()
    await store.add_olympiad(
        uow.session, olympiad_id, olympiad, created_at=now, created_by=actor.subject
    )
    subjects = scheduled_subjects(olympiad)
    uow.publish(
        OlympiadCreated(
            olympiad_id=olympiad_id,
            title=olympiad.title,
            time_zone=olympiad.time_zone,
            subjects=tuple(subjects),
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
        },
    )
    await uow.commit()
    return store.StoredOlympiad(olympiad_id, olympiad, now)


async def list_olympiads(uow: UnitOfWork) -> list[store.StoredOlympiad]:
    """Every olympiad of this installation, the newest first (a municipality holds a few a year)."""
    found = []
    for olympiad_id in await store.olympiad_ids(uow.session):
        stored = await store.get_olympiad(uow.session, olympiad_id)
        if stored is not None:
            found.append(stored)
    return found


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
