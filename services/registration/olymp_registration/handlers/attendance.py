"""Day-of registration (§36) and removal with an act (§53–54)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from olymp_core.auth import Principal
from olymp_core.clock import to_local
from olymp_core.contracts.registration import ParticipantCheckedIn, ParticipantRemoved
from olymp_core.db import UnitOfWork
from olymp_core.subjects import subject
from olymp_registration import store
from olymp_registration.domain import (
    CheckInRefused,
    DayInFuture,
    DuplicateCheckInEntry,
    IdentityDocument,
    IdentityDocumentRefused,
    Olympiad,
    ParticipantNotFound,
    RemovalRefused,
    Signatory,
    VenueOutOfScope,
    VenueScope,
    check_documents,
    check_in,
    check_in_venue,
    mark_absent,
    remove,
)
from olymp_registration.handlers.olympiads import get_olympiad, round_days
from olymp_registration.seating import store as seating_store


@dataclass(frozen=True)
class CheckInEntry:
    participant_id: uuid.UUID
    present: bool
    documents: frozenset[IdentityDocument] | None = None
    """Shown at the entrance (§36), checked against the age; None: not recorded (older clients)."""


@dataclass(frozen=True)
class CheckIn:
    olympiad_id: uuid.UUID
    subject_code: str
    entries: tuple[CheckInEntry, ...]
    day: dt.date | None = None
    """The round day; by default today in the olympiad's time zone."""
    venue: str | None = None
    """Where the marks are made; required of a caller limited to venues."""


@dataclass(frozen=True)
class RemoveParticipant:
    olympiad_id: uuid.UUID
    subject_code: str
    participant_id: uuid.UUID
    reason: str
    day: dt.date | None = None
    room: str | None = None
    """Where the participant was removed from; by default the room of their desk (§30)."""
    signatories: tuple[Signatory, ...] = ()


@dataclass(frozen=True)
class CheckInResult:
    present: int
    absent: int


def chosen_round_day(olympiad: Olympiad, requested: dt.date | None, now: dt.datetime) -> dt.date:
    today = to_local(now, olympiad.time_zone).date()
    if requested is None:
        return today
    if requested > today:
        raise DayInFuture(
            f"Дата {requested:%d.%m.%Y} ещё не наступила (сегодня {today:%d.%m.%Y} по времени "
            f"олимпиады, {olympiad.time_zone}): отмечать явку и удаление можно только в день тура "
            "или позже."
        )
    return requested


async def participants_of(
    olympiad_id: uuid.UUID, subject_code: str, ids: Sequence[uuid.UUID], uow: UnitOfWork
) -> dict[uuid.UUID, store.StoredParticipant]:
    found = await store.list_participants(
        uow.session, olympiad_id, subject_code=subject_code, participant_ids=ids, for_update=True
    )
    by_id = {p.participant_id: p for p in found}
    missing = [str(i) for i in ids if i not in by_id]
    if missing:
        raise ParticipantNotFound(
            f"По предмету «{subject(subject_code).name}» в этой олимпиаде не зарегистрированы "
            f"участники: {', '.join(missing)}. Проверьте идентификаторы и предмет.",
            participant_ids=missing,
        )
    return by_id


async def check_in_participants(
    command: CheckIn, uow: UnitOfWork, actor: Principal
) -> CheckInResult:
    """Day-of registration (§36) of a list; all entries or none. A removed participant is refused.

    A caller limited to venues marks only at one of them, and cannot overwrite a mark another
    venue (or a caller who named no venue) made that day: otherwise they could take over a
    participant of another venue and then remove them.
    """
    scope = VenueScope.of(actor)
    olympiad = (await get_olympiad(command.olympiad_id, uow)).olympiad
    venue = check_in_venue(olympiad, command.venue, scope)
    days = round_days(olympiad, command.subject_code)
    ids = [e.participant_id for e in command.entries]
    if len(set(ids)) != len(ids):
        twice = sorted({str(i) for i in ids if ids.count(i) > 1})
        raise DuplicateCheckInEntry(
            f"Участники указаны в списке больше одного раза: {', '.join(twice)}. "
            "Оставьте по одной отметке на участника."
        )
    now = uow.clock.now()
    day = chosen_round_day(olympiad, command.day, now)
    by_id = await participants_of(command.olympiad_id, command.subject_code, ids, uow)
    for entry in command.entries:
        stored = by_id[entry.participant_id]
        before = stored.attendance(days)
        marked_venue = stored.venue_on(day)
        if before.mark_on(day) is not None and not scope.admits(marked_venue):
            raise VenueOutOfScope(
                f"{stored.participant.full_name} уже отмечен(а) {day:%d.%m.%Y} на другой "
                "площадке проведения: изменить эту отметку может координатор той площадки "
                "или муниципальный оргкомитет.",
                participant_id=str(entry.participant_id),
            )
        assigned = stored.assigned_venue
        if scope.restricted and assigned is not None and assigned != venue:
            # Marking someone of another venue would make them "ours" and let us remove them.
            raise VenueOutOfScope(
                f"{stored.participant.full_name} по заявке выполняет задания на площадке "
                f"проведения «{assigned}», а вы отмечаете явку на площадке «{venue}»: отметить "
                "участника может координатор его площадки или муниципальный оргкомитет. Если "
                "участник пришёл не на свою площадку, сообщите в оргкомитет.",
                participant_id=str(entry.participant_id),
                assigned_venue=assigned,
            )
        try:
            if entry.present:
                documents = _documents(entry, stored, day)
                after = check_in(before, day, now, documents)
            else:
                after = mark_absent(before, day, now)
        except (CheckInRefused, IdentityDocumentRefused) as exc:
            # the rule does not know whom it refused; the official needs the name and the id
            raise type(exc)(
                f"{stored.participant.full_name}: {exc}",
                participant_id=str(entry.participant_id),
            ) from None
        moved = venue is not None and venue != marked_venue
        if after == before and not moved:
            continue  # the same mark sent again: nothing changed, nothing to announce
        mark = after.mark_on(day)
        assert mark is not None
        await store.save_mark(
            uow.session, entry.participant_id, mark, marked_by=actor.subject, venue=venue
        )
        earlier = before.mark_on(day)
        if earlier is not None and earlier.attendance is mark.attendance:
            continue  # only the venue or the documents were corrected: attendance did not change
        uow.publish(
            ParticipantCheckedIn(
                olympiad_id=command.olympiad_id,
                participant_id=entry.participant_id,
                subject_code=command.subject_code,
                task_grade=stored.participant.task_grade,
                present=entry.present,
                at=mark.marked_at,
            )
        )
    present = sum(1 for e in command.entries if e.present)
    await uow.audit(
        actor=actor.subject,
        action="participants.checked_in",
        object_type="olympiad_subject",
        object_id=f"{command.olympiad_id}/{command.subject_code}",
        payload={
            "day": day.isoformat(),
            "venue": venue,
            "present": [str(e.participant_id) for e in command.entries if e.present],
            "absent": [str(e.participant_id) for e in command.entries if not e.present],
            "documents": {
                str(e.participant_id): sorted(d.value for d in e.documents)
                for e in command.entries
                if e.present and e.documents is not None
            },
            # taken from clients that send no documents, so the trail says none was checked
            "documents_not_checked": [
                str(e.participant_id) for e in command.entries if e.present and e.documents is None
            ],
        },
    )
    await uow.commit()
    return CheckInResult(present=present, absent=len(command.entries) - present)


async def remove_participant(
    command: RemoveParticipant, uow: UnitOfWork, actor: Principal
) -> store.StoredParticipant:
    """The removal act (§53): the participant's work is annulled, no further participation (§54).

    It is for whoever may act at the venue where the participant was marked that day.
    """
    scope = VenueScope.of(actor)
    olympiad = (await get_olympiad(command.olympiad_id, uow)).olympiad
    days = round_days(olympiad, command.subject_code)
    now = uow.clock.now()
    day = chosen_round_day(olympiad, command.day, now)
    ids = [command.participant_id]
    stored = (await participants_of(command.olympiad_id, command.subject_code, ids, uow))[
        command.participant_id
    ]
    venue = stored.venue_on(day)
    # The venue where the participant was marked decides; a check-in there by the wrong venue is
    # refused, so a coordinator cannot make someone of another venue theirs and then remove them.
    if not scope.admits(venue):
        raise VenueOutOfScope(
            f"{stored.participant.full_name} не отмечен(а) {day:%d.%m.%Y} на площадках "
            f"проведения, где вы работаете ({scope.label}): удалить участника может "
            "только координатор площадки, на которой он выполняет олимпиадные задания.",
            participant_id=str(command.participant_id),
        )
    earlier = stored.attendance(days).removal
    if earlier is not None and (earlier.day, earlier.reason) == (day, command.reason):
        # the same act sent again (a retry after a lost answer): it stands; a different reason
        # for the same participant is still refused below, as a second act
        return stored
    room = command.room
    if not room:
        seat = await seating_store.seats_of(uow.session, command.olympiad_id, command.subject_code)
        seated = seat.get(command.participant_id)
        room = seated[1].room if seated is not None else None
    try:
        after = remove(
            stored.attendance(days),
            day=day,
            reason=command.reason,
            removed_at=now,
            removed_by=actor.subject,
            act_number=await store.next_act_number(uow.session, command.olympiad_id),
            venue=venue,
            room=room,
            signatories=command.signatories,
        )
    except CheckInRefused as exc:
        raise RemovalRefused(exc.detail) from None
    assert after.removal is not None
    removal = after.removal
    await store.save_removal(uow.session, command.participant_id, removal)
    uow.publish(
        ParticipantRemoved(
            olympiad_id=command.olympiad_id,
            participant_id=command.participant_id,
            subject_code=command.subject_code,
            reason=removal.reason,
            removed_at=removal.removed_at,
        )
    )
    await uow.audit(
        actor=actor.subject,
        action="participant.removed",
        object_type="participant",
        object_id=str(command.participant_id),
        payload={
            "olympiad_id": str(command.olympiad_id),
            "subject_code": command.subject_code,
            "day": removal.day.isoformat(),
            "venue": venue,
            "reason": removal.reason,
            "removed_at": removal.removed_at.isoformat(),
            "act_number": removal.act_number,
            "room": removal.room,
            "signatories": [{"role": s.role.value, "name": s.name} for s in removal.signatories],
        },
    )
    await uow.commit()
    return store.StoredParticipant(
        stored.participant_id,
        stored.olympiad_id,
        stored.participant,
        after.marks,
        removal,
        stored.mark_venues,
        stored.assigned_venue,
    )


def _documents(
    entry: CheckInEntry, stored: store.StoredParticipant, day: dt.date
) -> frozenset[IdentityDocument]:
    if entry.documents is None:
        return frozenset()
    return check_documents(entry.documents, stored.participant.birth_date, day)


async def present_participants(
    olympiad_id: uuid.UUID, subject_code: str, uow: UnitOfWork
) -> list[tuple[uuid.UUID, int, int]]:
    olympiad = (await get_olympiad(olympiad_id, uow)).olympiad
    round_days(olympiad, subject_code)
    return await store.present_participants(uow.session, olympiad_id, subject_code)
