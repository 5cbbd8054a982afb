"""The removal act read back for printing (§53, App. 14) and the count of works per room (§141).

The act is made by `handlers.attendance.remove_participant` (numbered, audited); here it is only
read, by whoever may act at the venue where the participant was removed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from olymp_core.auth import Principal
from olymp_core.db import UnitOfWork
from olymp_core.subjects import subject
from olymp_registration import store
from olymp_registration.domain import Removal, VenueOutOfScope, VenueScope, check_in_venue
from olymp_registration.handlers.attendance import chosen_round_day, participants_of
from olymp_registration.handlers.olympiads import get_olympiad, round_days
from olymp_registration.seating.handlers import find_venue
from olymp_registration.venue_day import store as counts_store
from olymp_registration.venue_day.domain import (
    RemovalActNotFound,
    RoomTally,
    WorksCountRefused,
    accept_count,
)


@dataclass(frozen=True)
class RemovalAct:
    olympiad_title: str
    time_zone: str
    subject_name: str
    participant: store.StoredParticipant
    removal: Removal


@dataclass(frozen=True)
class CountWorks:
    olympiad_id: uuid.UUID
    subject_code: str
    venue: str
    room: str
    works: int
    explanation: str = ""
    day: dt.date | None = None


@dataclass(frozen=True)
class VenueCounts:
    venue: str
    day: dt.date
    rooms: tuple[RoomTally, ...]
    unseated_present: int
    """present at the venue without a desk: in no room's count"""
    present_without_documents: int
    """present with no identity document recorded (§36): «документ не отмечен»"""


async def removal_act(
    olympiad_id: uuid.UUID,
    subject_code: str,
    participant_id: uuid.UUID,
    uow: UnitOfWork,
    actor: Principal,
) -> RemovalAct:
    olympiad = (await get_olympiad(olympiad_id, uow)).olympiad
    round_days(olympiad, subject_code)
    stored = (await participants_of(olympiad_id, subject_code, [participant_id], uow))[
        participant_id
    ]
    removal = stored.removal
    if removal is None:
        raise RemovalActNotFound(
            f"{stored.participant.full_name} не удалён(а) с олимпиады по предмету "
            f"«{subject(subject_code).name}»: акта об удалении нет."
        )
    if not VenueScope.of(actor).admits(removal.venue or stored.venue_on(removal.day)):
        raise VenueOutOfScope(
            f"{stored.participant.full_name} удалён(а) не на вашей площадке проведения: акт "
            "выдаёт координатор той площадки или муниципальный оргкомитет."
        )
    return RemovalAct(
        olympiad.title, olympiad.time_zone, subject(subject_code).name, stored, removal
    )


async def venue_counts(
    olympiad_id: uuid.UUID,
    subject_code: str,
    venue_name: str,
    day: dt.date | None,
    uow: UnitOfWork,
    actor: Principal,
) -> VenueCounts:
    """Every room of the venue: those present by the check-in and the works counted, if yet."""
    olympiad = (await get_olympiad(olympiad_id, uow)).olympiad
    round_days(olympiad, subject_code)
    venue = check_in_venue(olympiad, venue_name, VenueScope.of(actor))
    assert venue is not None
    chosen = chosen_round_day(olympiad, day, uow.clock.now())
    present = await counts_store.present_by_room(
        uow.session, olympiad_id, subject_code, venue, chosen
    )
    counted = await counts_store.counts(uow.session, olympiad_id, subject_code, venue, chosen)
    rooms = [room.name for room in find_venue(olympiad, venue).rooms]
    rooms += sorted((set(present) | set(counted)) - set(rooms))  # a room renamed since
    tallies = []
    for room in rooms:
        here, removed = present.get(room, (0, 0))
        count = counted.get(room)
        tallies.append(
            RoomTally(room, here, removed)
            if count is None
            else RoomTally(
                room,
                here,
                removed,
                count.works,
                count.explanation,
                count.counted_at,
                count.counted_by,
            )
        )
    unseated = await counts_store.present_unseated(
        uow.session, olympiad_id, subject_code, venue, chosen
    )
    undocumented = await counts_store.present_without_documents(
        uow.session, olympiad_id, subject_code, venue, chosen
    )
    return VenueCounts(venue, chosen, tuple(tallies), unseated, undocumented)


async def count_works(command: CountWorks, uow: UnitOfWork, actor: Principal) -> RoomTally:
    """§141: the works a room handed over, checked against those present in it; a count that
    differs needs an explanation. A recount replaces the earlier count; both are audited."""
    olympiad = (await get_olympiad(command.olympiad_id, uow)).olympiad
    round_days(olympiad, command.subject_code)
    venue = check_in_venue(olympiad, command.venue, VenueScope.of(actor))
    assert venue is not None
    rooms = [room.name for room in find_venue(olympiad, venue).rooms]
    if command.room not in rooms:
        listed = ", ".join(f"«{r}»" for r in rooms) or "аудитории не внесены"
        raise WorksCountRefused(
            f"На площадке «{venue}» нет аудитории «{command.room}» (есть: {listed}). Выберите "
            "аудиторию из списка площадки."
        )
    now = uow.clock.now()
    day = chosen_round_day(olympiad, command.day, now)
    present, removed = (
        await counts_store.present_by_room(
            uow.session, command.olympiad_id, command.subject_code, venue, day
        )
    ).get(command.room, (0, 0))
    explanation = accept_count(command.room, command.works, present, command.explanation)
    count = counts_store.StoredCount(
        command.room, command.works, present, explanation, now, actor.subject
    )
    await counts_store.save_count(
        uow.session, command.olympiad_id, command.subject_code, venue, day, count
    )
    await uow.audit(
        actor=actor.subject,
        action="works.counted",
        object_type="olympiad_subject",
        object_id=f"{command.olympiad_id}/{command.subject_code}",
        payload={
            "day": day.isoformat(),
            "venue": venue,
            "room": command.room,
            "works": command.works,
            "present": present,
            "removed": removed,
            "explanation": explanation,
        },
    )
    await uow.commit()
    return RoomTally(command.room, present, removed, command.works, explanation, now, actor.subject)
