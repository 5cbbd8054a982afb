"""What the materials hub does with other services' events. These handlers never commit: the
consumer commits their work with the inbox row."""

from __future__ import annotations

from olymp_core.auth.olympiads import record_municipality
from olymp_core.contracts.registration import OlympiadCreated
from olymp_core.db import UnitOfWork
from olymp_materials import store


async def on_olympiad_created(event: OlympiadCreated, uow: UnitOfWork) -> None:
    """Learn the zone and each subject's day, from which the default instants follow (§24)."""
    days = {subject.subject_code: subject.day for subject in event.subjects}
    await store.save_olympiad(uow.session, event.olympiad_id, event.time_zone, days)
    await record_municipality(uow.session, event.olympiad_id, event.municipality_id)
