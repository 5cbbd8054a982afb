"""The organiser accredits observers and assigns them; an observer reads their own assignments;
anyone reads the schedule of observation (the objectivity plan publishes it in advance)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from olymp_core.auth import Principal, Role
from olymp_core.clock import to_local
from olymp_core.db import UnitOfWork
from olymp_core.errors import NotPermitted
from olymp_registration import store as registration_store
from olymp_registration.domain import OlympiadNotFound
from olymp_registration.observers import store
from olymp_registration.observers.domain import (
    AssignmentNotFound,
    ObserverConflict,
    ObserverNotFound,
    Procedure,
    accredit,
    assign,
    report_deadline,
)


@dataclass(frozen=True)
class AccreditObserver:
    olympiad_id: uuid.UUID
    full_name: str
    identity_document: str
    certificate_number: str
    certificate_date: dt.date
    login: str


@dataclass(frozen=True)
class AssignObserver:
    olympiad_id: uuid.UUID
    observer_id: uuid.UUID
    procedure: Procedure
    day: dt.date
    venue: str
    subject_code: str = ""


@dataclass(frozen=True)
class AssignmentView:
    """An assignment with the last instant a violation report about it is taken (§19)."""

    assignment: store.StoredAssignment
    report_deadline: dt.datetime


@dataclass(frozen=True)
class ObserverView:
    observer: store.StoredObserver
    assignments: tuple[AssignmentView, ...]


@dataclass(frozen=True)
class Observation:
    """One olympiad's accreditation of the person asking, with their assignments."""

    olympiad_id: uuid.UUID
    olympiad_title: str
    time_zone: str
    observer: ObserverView


@dataclass(frozen=True)
class ScheduleItem:
    """A line of the public schedule: who observes is not published, only how many."""

    day: dt.date
    procedure: Procedure
    venue: str
    subject_code: str
    observers: int


@dataclass(frozen=True)
class PublicSchedule:
    olympiad_id: uuid.UUID
    title: str
    time_zone: str
    items: tuple[ScheduleItem, ...]


async def olympiad_of(uow: UnitOfWork, olympiad_id: uuid.UUID) -> registration_store.StoredOlympiad:
    found = await registration_store.get_olympiad(uow.session, olympiad_id)
    if found is None:
        raise OlympiadNotFound(
            f"Олимпиада {olympiad_id} не найдена: проверьте идентификатор олимпиады."
        )
    return found


def is_organiser(actor: Principal) -> bool:
    return actor.has_role(Role.MUNICIPAL_COORDINATOR)


async def observer_of(
    uow: UnitOfWork, olympiad_id: uuid.UUID, actor: Principal
) -> store.StoredObserver:
    """The accreditation of the observer signed in as `actor` (the token's subject is the login
    the organiser recorded), or NotPermitted."""
    found = await store.observer_by(uow.session, olympiad_id, login=actor.subject)
    if found is None:
        raise NotPermitted(
            f"Вход «{actor.subject}» не записан среди общественных наблюдателей этой олимпиады. "
            "Организатор указывает при аккредитации логин, под которым наблюдатель входит в "
            "портал: попросите его проверить запись."
        )
    return found


async def accredit_observer(
    command: AccreditObserver, uow: UnitOfWork, actor: Principal
) -> ObserverView:
    """Record an observer (§18); the same login or certificate twice in an olympiad is refused."""
    olympiad = (await olympiad_of(uow, command.olympiad_id)).olympiad
    now = uow.clock.now()
    accreditation = accredit(
        full_name=command.full_name,
        identity_document=command.identity_document,
        certificate_number=command.certificate_number,
        certificate_date=command.certificate_date,
        login=command.login,
        today=to_local(now, olympiad.time_zone).date(),
    )
    taken = await store.observer_by(
        uow.session,
        command.olympiad_id,
        login=accreditation.login,
        certificate=accreditation.certificate_number,
    )
    if taken is not None:
        what = (
            f"логин «{taken.login}»"
            if taken.login == accreditation.login
            else f"удостоверение № {taken.certificate_number}"
        )
        raise ObserverConflict(
            f"В этой олимпиаде {what} уже записан за наблюдателем {taken.full_name}. "
            "Проверьте данные: у каждого наблюдателя свой логин и своё удостоверение.",
            observer_id=str(taken.observer_id),
        )
    observer = store.StoredObserver(
        observer_id=uuid.uuid4(),
        olympiad_id=command.olympiad_id,
        full_name=accreditation.full_name,
        identity_document=accreditation.identity_document,
        certificate_number=accreditation.certificate_number,
        certificate_date=accreditation.certificate_date,
        login=accreditation.login,
        accredited_by=actor.subject,
        accredited_at=now,
    )
    await store.add_observer(uow.session, observer)
    # the trail is read by every observer: no one's identity document goes into it
    await uow.audit(
        actor=actor.subject,
        action="observer.accredited",
        object_type="observer",
        object_id=str(observer.observer_id),
        payload={
            "olympiad_id": command.olympiad_id,
            "login": observer.login,
            "certificate_number": observer.certificate_number,
            "certificate_date": observer.certificate_date,
        },
    )
    await uow.commit()
    return ObserverView(observer, ())


async def assign_observer(
    command: AssignObserver, uow: UnitOfWork, actor: Principal
) -> AssignmentView:
    """Assign an accredited observer to a procedure on a date at a place."""
    olympiad = (await olympiad_of(uow, command.olympiad_id)).olympiad
    observer = await store.get_observer(uow.session, command.olympiad_id, command.observer_id)
    if observer is None:
        raise ObserverNotFound(
            f"Наблюдатель {command.observer_id} не аккредитован в этой олимпиаде."
        )
    placed = assign(olympiad, command.procedure, command.day, command.venue, command.subject_code)
    assignment = store.StoredAssignment(
        assignment_id=uuid.uuid4(),
        observer_id=observer.observer_id,
        olympiad_id=command.olympiad_id,
        procedure=placed.procedure,
        day=placed.day,
        venue=placed.venue,
        subject_code=placed.subject_code,
        assigned_by=actor.subject,
        assigned_at=uow.clock.now(),
    )
    if not await store.add_assignment(uow.session, assignment):
        raise ObserverConflict(
            f"{observer.full_name} уже назначен(а): {placed.procedure.label}, "
            f"{placed.day:%d.%m.%Y}, «{placed.venue}»."
        )
    await uow.audit(
        actor=actor.subject,
        action="observer.assigned",
        object_type="observer_assignment",
        object_id=str(assignment.assignment_id),
        payload={
            "olympiad_id": command.olympiad_id,
            "observer_id": observer.observer_id,
            "login": observer.login,
            "procedure": placed.procedure,
            "day": placed.day,
            "venue": placed.venue,
            "subject_code": placed.subject_code,
        },
    )
    await uow.commit()
    return AssignmentView(assignment, report_deadline(placed.day, olympiad.time_zone))


async def cancel_assignment(
    olympiad_id: uuid.UUID, observer_id: uuid.UUID, assignment_id: uuid.UUID,
    uow: UnitOfWork, actor: Principal,
) -> None:  # fmt: skip
    """Take an assignment back, unless a violation report was filed about it."""
    assignment = await store.get_assignment(uow.session, olympiad_id, assignment_id)
    if assignment is None or assignment.observer_id != observer_id:
        raise AssignmentNotFound(f"Назначение {assignment_id} не найдено у этого наблюдателя.")
    if await store.reports_exist(uow.session, assignment_id):
        raise ObserverConflict(
            "По этому назначению наблюдатель уже подал сообщение о нарушении: назначение "
            "остаётся в записи, чтобы сообщение было видно вместе с ним."
        )
    await store.remove_assignment(uow.session, assignment_id)
    await uow.audit(
        actor=actor.subject,
        action="observer.assignment_cancelled",
        object_type="observer_assignment",
        object_id=str(assignment_id),
        payload={
            "olympiad_id": olympiad_id,
            "observer_id": observer_id,
            "procedure": assignment.procedure,
            "day": assignment.day,
            "venue": assignment.venue,
            "subject_code": assignment.subject_code,
        },
    )
    await uow.commit()


async def list_observers(olympiad_id: uuid.UUID, uow: UnitOfWork) -> list[ObserverView]:
    """The olympiad's observers with their assignments, for the organiser."""
    olympiad = (await olympiad_of(uow, olympiad_id)).olympiad
    observers = await store.list_observers(uow.session, olympiad_id)
    assignments = await store.assignments_of(uow.session, olympiad_id)
    return [
        ObserverView(
            observer,
            tuple(
                AssignmentView(a, report_deadline(a.day, olympiad.time_zone))
                for a in assignments
                if a.observer_id == observer.observer_id
            ),
        )
        for observer in observers
    ]


async def my_observations(uow: UnitOfWork, actor: Principal) -> list[Observation]:
    """Every olympiad where the person signed in is an accredited observer, newest first."""
    found = []
    for observer in await store.accreditations_of(uow.session, actor.subject):
        stored = await olympiad_of(uow, observer.olympiad_id)
        zone = stored.olympiad.time_zone
        assignments = await store.assignments_of(
            uow.session, observer.olympiad_id, [observer.observer_id]
        )
        views = tuple(AssignmentView(a, report_deadline(a.day, zone)) for a in assignments)
        found.append(
            Observation(
                observer.olympiad_id, stored.olympiad.title, zone, ObserverView(observer, views)
            )
        )
    return found


async def public_schedule(olympiad_id: uuid.UUID, uow: UnitOfWork) -> PublicSchedule:
    """The olympiad's schedule of public observation: procedure, date, place, how many observe."""
    stored = await olympiad_of(uow, olympiad_id)
    counts: dict[tuple[dt.date, Procedure, str, str], int] = {}
    for a in await store.assignments_of(uow.session, olympiad_id):
        key = (a.day, a.procedure, a.venue, a.subject_code)
        counts[key] = counts.get(key, 0) + 1
    order = list(Procedure)
    items = sorted(
        (
            ScheduleItem(day, procedure, venue, code, n)
            for (day, procedure, venue, code), n in counts.items()
        ),
        key=lambda item: (item.day, order.index(item.procedure), item.venue, item.subject_code),
    )
    return PublicSchedule(
        olympiad_id, stored.olympiad.title, stored.olympiad.time_zone, tuple(items)
    )
