"""Withdrawing a participant's application before the round: their desk is freed."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass

from olymp_core.auth import Principal
from olymp_core.clock import to_local
from olymp_core.db import UnitOfWork
from olymp_registration import store
from olymp_registration.domain import withdraw
from olymp_registration.handlers.attendance import participants_of
from olymp_registration.handlers.olympiads import get_olympiad, round_days
from olymp_registration.seating import store as seating_store


@dataclass(frozen=True)
class WithdrawParticipant:
    olympiad_id: uuid.UUID
    subject_code: str
    participant_id: uuid.UUID
    reason: str


async def withdraw_participant(
    command: WithdrawParticipant, uow: UnitOfWork, actor: Principal
) -> store.StoredParticipant:
    """Record the withdrawal (before the round's day only) and free the participant's desk; the
    seating keeps everyone else where they are until the next reseat."""
    olympiad = (await get_olympiad(command.olympiad_id, uow)).olympiad
    round_day = round_days(olympiad, command.subject_code)[0]
    now = uow.clock.now()
    stored = (
        await participants_of(
            command.olympiad_id, command.subject_code, [command.participant_id], uow
        )
    )[command.participant_id]
    withdrawal = withdraw(
        stored.withdrawal,
        full_name=stored.participant.full_name,
        reason=command.reason,
        today=to_local(now, olympiad.time_zone).date(),
        round_day=round_day,
        at=now,
        by=actor.subject,
    )
    if withdrawal == stored.withdrawal:
        return stored  # the same withdrawal sent again
    await store.save_withdrawal(uow.session, command.participant_id, withdrawal)
    await seating_store.free_seats(uow.session, [command.participant_id])
    await uow.audit(
        actor=actor.subject,
        action="participant.withdrawn",
        object_type="participant",
        object_id=str(command.participant_id),
        payload={
            "olympiad_id": str(command.olympiad_id),
            "subject_code": command.subject_code,
            "reason": withdrawal.reason,
            "withdrawn_at": withdrawal.withdrawn_at.isoformat(),
        },
    )
    await uow.commit()
    return dataclasses.replace(stored, withdrawal=withdrawal)
