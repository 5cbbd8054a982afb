"""What the materials hub does with other services' events. These handlers never commit: the
consumer commits their work with the inbox row."""

from __future__ import annotations

import datetime as dt

from olymp_core.auth.olympiads import record_municipality
from olymp_core.contracts.registration import OlympiadCreated, SubjectScheduleChanged
from olymp_core.db import UnitOfWork
from olymp_materials import store


async def on_olympiad_created(event: OlympiadCreated, uow: UnitOfWork) -> None:
    """Learn the zone and each subject's day, from which the default instants follow (§24), and
    when its round ends, after which participants get the criteria."""
    days: dict[str, dt.date] = {}
    ends: dict[str, dt.datetime] = {}
    for scheduled in event.subjects:  # should a producer list every round, the last one counts
        code = scheduled.subject_code
        days[code] = min(scheduled.day, days.get(code, scheduled.day))
        ends[code] = max(scheduled.round_ends_at, ends.get(code, scheduled.round_ends_at))
    subjects = {code: store.SubjectDays(days[code], ends[code]) for code in days}
    await store.save_olympiad(uow.session, event.olympiad_id, event.time_zone, subjects)
    await record_municipality(uow.session, event.olympiad_id, event.municipality_id)


async def on_subject_schedule_changed(event: SubjectScheduleChanged, uow: UnitOfWork) -> None:
    """A round added or moved (§60): the criteria reach participants after the new last end."""
    days = store.SubjectDays(min(r.day for r in event.rounds), event.last_round_ends_at)
    await store.save_last_round(uow.session, event.olympiad_id, event.subject_code, days)
