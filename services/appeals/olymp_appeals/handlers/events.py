"""Consumers' handlers: what appeals keeps of registration's, coding's and scoring's events (no
commit here)."""

from __future__ import annotations

from olymp_appeals import store
from olymp_core.auth.olympiads import record_municipality
from olymp_core.contracts.coding import WorksDecoded
from olymp_core.contracts.registration import OlympiadCreated, ParticipantRegistered
from olymp_core.contracts.scoring import SubjectGradeChecked, WorkRescored
from olymp_core.db import UnitOfWork


async def on_olympiad_created(event: OlympiadCreated, uow: UnitOfWork) -> None:
    """Keep the olympiad's zone: the filing deadline is counted in it, never in a caller's."""
    await store.save_olympiad(
        uow.session, event.olympiad_id, event.title, event.time_zone, uow.clock.now()
    )
    await record_municipality(uow.session, event.olympiad_id, event.municipality_id)


async def on_participant_registered(event: ParticipantRegistered, uow: UnitOfWork) -> None:
    """Keep who the participant is: the appeal protocol (App. 9) names them."""
    person = store.Person(event.surname, event.name, event.patronymic, event.grade, event.school)
    await store.save_participant(uow.session, event.olympiad_id, event.participant_id, person)


async def on_works_decoded(event: WorksDecoded, uow: UnitOfWork) -> None:
    pairs = [(work.work_code, work.participant_id) for work in event.works]
    await store.record_decoding(
        uow.session, event.olympiad_id, event.subject_code, event.grade, pairs
    )


async def on_subject_grade_checked(event: SubjectGradeChecked, uow: UnitOfWork) -> None:
    for work in event.works:
        await store.record_scores(
            uow.session,
            event.olympiad_id,
            event.subject_code,
            event.grade,
            work.work_code,
            dict(work.task_scores),
            dict(event.task_max),
            work.annulled,
        )


async def on_work_rescored(event: WorkRescored, uow: UnitOfWork) -> None:
    work = event.work
    await store.record_scores(
        uow.session,
        event.olympiad_id,
        event.subject_code,
        event.grade,
        work.work_code,
        dict(work.task_scores),
        None,
        work.annulled,
    )
