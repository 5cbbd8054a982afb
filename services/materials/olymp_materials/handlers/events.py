"""What materials does with its registration's events. These handlers never commit: the consumer
commits their work with the inbox row.

The hub learns from them each olympiad: its zone, each subject's day (from which the default
instants follow, §24), whose it is, and when each subject's last round ends. A mirror learns its
packages, instants and keys from the hub's feed; from its municipality's own registration only
when the rounds end (after which participants get the criteria) and the zone they are told it in.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from olymp_core.auth.olympiads import record_municipality
from olymp_core.contracts.registration import OlympiadCreated, SubjectScheduleChanged
from olymp_core.db import UnitOfWork
from olymp_materials import store

NodeRole = Literal["hub", "mirror"]  # settings.role


async def on_olympiad_created(
    event: OlympiadCreated, uow: UnitOfWork, *, role: NodeRole = "hub"
) -> None:
    """The olympiad's zone and each subject's last round end; on the hub its days and whose it is."""
    days: dict[str, dt.date] = {}
    ends: dict[str, dt.datetime] = {}
    for scheduled in event.subjects:  # should a producer list every round, the last one counts
        code = scheduled.subject_code
        days[code] = min(scheduled.day, days.get(code, scheduled.day))
        ends[code] = max(scheduled.round_ends_at, ends.get(code, scheduled.round_ends_at))
    for code, last_round_ends_at in ends.items():
        await store.save_round_end(
            uow.session, event.olympiad_id, code, last_round_ends_at, replace=False
        )
    await store.save_olympiad(uow.session, event.olympiad_id, event.time_zone)
    if role == "mirror":
        return  # its instants are the hub's, and it serves its own municipality only
    await store.save_subject_days(uow.session, event.olympiad_id, days, replace=True)
    await record_municipality(uow.session, event.olympiad_id, event.municipality_id)


async def on_subject_schedule_changed(
    event: SubjectScheduleChanged, uow: UnitOfWork, *, role: NodeRole = "hub"
) -> None:
    """A round added or moved (§60): the criteria reach participants after the new last end. A
    subject the hub has not heard of gets its first day; one it knows keeps it (the instants were
    set from it)."""
    await store.save_round_end(
        uow.session, event.olympiad_id, event.subject_code, event.last_round_ends_at, replace=True
    )
    if role == "hub":
        first_day = min(r.day for r in event.rounds)
        await store.save_subject_days(
            uow.session, event.olympiad_id, {event.subject_code: first_day}, replace=False
        )
