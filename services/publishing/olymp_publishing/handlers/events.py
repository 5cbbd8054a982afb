"""What publishing does with other services' events: keep its own copies, and publish the
preliminary table once all of them are in. These handlers never commit: the consumer commits their
work with the inbox row, then acks.

`files` (this process's published files) is bound in `main.build` with `EVENTS.bind`: a version
committed here is then served at once and its files written right away. Unbound, the files writer
and the sweeper still write them on their next pass.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from olymp_core.auth.olympiads import record_municipality
from olymp_core.clock import zone
from olymp_core.contracts.appeals import AppealsState
from olymp_core.contracts.coding import WorksDecoded
from olymp_core.contracts.registration import (
    OlympiadCreated,
    ParticipantRegistered,
    SubjectScheduleChanged,
)
from olymp_core.contracts.scoring import ScoredWork, SubjectGradeChecked, WorkRescored
from olymp_core.db import UnitOfWork
from olymp_core.subject_grade import SubjectGrade
from olymp_publishing import store
from olymp_publishing.handlers.approval import republish_corrected
from olymp_publishing.handlers.files import PublishedFiles
from olymp_publishing.handlers.tables import preliminary_if_ready
from olymp_publishing.store import approval as approval_store

log = logging.getLogger("olymp.publishing")


async def on_olympiad_created(
    event: OlympiadCreated, uow: UnitOfWork, *, files: PublishedFiles | None = None
) -> None:
    """Keep the title and zone the public pages show; an unknown zone must not lose the title.
    The index shows the title: it is written again.

    Under the olympiad's files lock, as the files writer: a writer that read the olympiad before
    this commit would otherwise record its index (without the title) as written after the row
    saying "write it again" is deleted, and the stored index would never show the title.
    """
    await store.lock_published_files(uow.session, event.olympiad_id)
    time_zone: str | None = event.time_zone
    try:
        zone(event.time_zone)
    except ValueError:
        log.warning(
            "olympiad %s: unknown time zone %r, pages use UTC", event.olympiad_id, event.time_zone
        )
        time_zone = None
    await store.save_olympiad(
        uow.session, store.Olympiad(event.olympiad_id, event.title, time_zone), uow.clock.now()
    )
    last_rounds: dict[str, dt.datetime] = {}
    for scheduled in event.subjects:  # §121 counts from the subject's last round
        code = scheduled.subject_code
        last_rounds[code] = max(
            scheduled.round_ends_at, last_rounds.get(code, scheduled.round_ends_at)
        )
    await approval_store.save_last_rounds(uow.session, event.olympiad_id, last_rounds)
    await record_municipality(uow.session, event.olympiad_id, event.municipality_id)
    await store.forget_index(uow.session, event.olympiad_id)
    if files is not None:
        files.published(uow, event.olympiad_id)


async def on_subject_schedule_changed(event: SubjectScheduleChanged, uow: UnitOfWork) -> None:
    """A round added (the oral round of German or French, §60) or moved: §121's 21 days count
    from the subject's new last round."""
    await approval_store.save_last_rounds(
        uow.session, event.olympiad_id, {event.subject_code: event.last_round_ends_at}
    )


async def on_participant_registered(
    event: ParticipantRegistered, uow: UnitOfWork, *, files: PublishedFiles | None = None
) -> None:
    await store.save_participant(
        uow.session,
        {
            "olympiad_id": event.olympiad_id,
            "subject_code": event.subject_code,
            "participant_id": event.participant_id,
            "surname": event.surname,
            "name": event.name,
            "patronymic": event.patronymic,
            "grade": event.grade,
            "task_grade": event.task_grade,
            "school": event.school,
            "consent_to_publish": event.consent_to_publish,
            "birth_date": event.birth_date,
            "registered_at": uow.clock.now(),
        },
    )
    # Registration's message may arrive after decoding and scores; then it completes the table.
    for key in await store.table_keys_of_participant(
        uow.session, event.olympiad_id, event.participant_id, event.subject_code
    ):
        await preliminary_if_ready(uow, key, "service:registration", files)


async def on_works_decoded(
    event: WorksDecoded, uow: UnitOfWork, *, files: PublishedFiles | None = None
) -> None:
    key = SubjectGrade(event.olympiad_id, event.subject_code, event.grade)
    await store.mark_subject_grade(uow.session, key, decoded_at=uow.clock.now())
    await store.save_decoded_works(
        uow.session, key, [(work.work_code, work.participant_id) for work in event.works]
    )
    await uow.audit(
        actor="service:coding",
        action="results.decoding_received",
        object_type="result_table",
        object_id=key.object_id,
        payload={"works": len(event.works)},
    )
    await preliminary_if_ready(uow, key, "service:coding", files)


async def on_subject_grade_checked(
    event: SubjectGradeChecked, uow: UnitOfWork, *, files: PublishedFiles | None = None
) -> None:
    key = SubjectGrade(event.olympiad_id, event.subject_code, event.grade)
    if event.task_max:
        max_total = sum(event.task_max.values(), Decimal(0))
    else:
        max_total = max((work.max_total for work in event.works), default=Decimal(0))
    now = uow.clock.now()
    state: dict[str, object] = {"checked_at": now, "max_total": max_total}
    if event.task_max:  # a statement without them leaves the maxima stored before
        state["task_max"] = {task: str(points) for task, points in event.task_max.items()}
    await store.mark_subject_grade(uow.session, key, **state)
    # A later statement replaces what it covers (§119: a work annulled after the preliminary
    # table is not ranked in the final one); one older than a stored appeal change does not.
    await store.save_scored_works(
        uow.session, key, [_score_values(work, uow) for work in event.works], event.revision
    )
    await uow.audit(
        actor="service:scoring",
        action="results.scores_received",
        object_type="result_table",
        object_id=key.object_id,
        payload={
            "works": len(event.works),
            "max_total": str(max_total),
            "revision": event.revision,
        },
    )
    await preliminary_if_ready(uow, key, "service:scoring", files)
    if event.correction is not None:
        await republish_corrected(uow, key, event.correction, files)


async def on_appeals_state(event: AppealsState, uow: UnitOfWork) -> None:
    """The appeals' deadline and undecided appeals of a subject: they gate approval (§121)."""
    await approval_store.save_appeal_state(
        uow.session,
        event.olympiad_id,
        event.subject_code,
        deadline=event.deadline,
        undecided_by_grade=event.undecided_by_grade,
        revision=event.revision,
        at=uow.clock.now(),
    )


async def on_work_rescored(event: WorkRescored, uow: UnitOfWork) -> None:
    """An appeal changed a work (§112, §116): it counts in the next (final) version only."""
    key = SubjectGrade(event.olympiad_id, event.subject_code, event.grade)
    await store.save_scored_works(
        uow.session, key, [_score_values(event.work, uow)], event.revision
    )
    await uow.audit(
        actor="service:scoring",
        action="results.work_rescored",
        object_type="work",
        object_id=event.work.work_code,
        payload={
            "appeal_id": str(event.appeal_id),
            "total": None if event.work.total is None else str(event.work.total),
            "annulled": event.work.annulled,
            "revision": event.revision,
        },
    )


def _score_values(work: ScoredWork, uow: UnitOfWork) -> dict[str, object]:
    return {
        "work_code": work.work_code,
        "total": work.total,
        "annulled": work.annulled,
        "annulment_reason": work.annulment_reason,
        "task_scores": {task: str(points) for task, points in work.task_scores.items()},
        "updated_at": uow.clock.now(),
    }
