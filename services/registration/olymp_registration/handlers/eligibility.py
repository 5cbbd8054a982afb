"""The organiser's admission rules (§10) per subject: thresholds and last year's awardees.

Each command replaces the subject's whole set, as the organiser's order (приказ) does; the import
checks every later application against them (`domain.eligibility`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from olymp_core.auth import Principal
from olymp_core.db import UnitOfWork
from olymp_registration import store
from olymp_registration.domain import (
    EligibilityRules,
    PreviousAwardee,
    check_awardees,
    check_thresholds,
)
from olymp_registration.handlers.olympiads import get_olympiad, round_days


@dataclass(frozen=True)
class SetThresholds:
    olympiad_id: uuid.UUID
    subject_code: str
    thresholds: Mapping[int, Decimal]
    """grade → the least school-stage score that admits (§10)"""


@dataclass(frozen=True)
class SetPreviousAwardees:
    olympiad_id: uuid.UUID
    subject_code: str
    awardees: Sequence[PreviousAwardee]


async def set_thresholds(
    command: SetThresholds, uow: UnitOfWork, actor: Principal
) -> EligibilityRules:
    olympiad = (await get_olympiad(command.olympiad_id, uow)).olympiad
    round_days(olympiad, command.subject_code)
    check_thresholds(command.subject_code, command.thresholds)
    await store.replace_thresholds(
        uow.session,
        command.olympiad_id,
        command.subject_code,
        command.thresholds,
        at=uow.clock.now(),
        by=actor.subject,
    )
    await uow.audit(
        actor=actor.subject,
        action="eligibility.thresholds_set",
        object_type="olympiad_subject",
        object_id=f"{command.olympiad_id}/{command.subject_code}",
        payload={str(g): str(score) for g, score in sorted(command.thresholds.items())},
    )
    await uow.commit()
    return await get_eligibility(command.olympiad_id, command.subject_code, uow)


async def set_previous_awardees(
    command: SetPreviousAwardees, uow: UnitOfWork, actor: Principal
) -> EligibilityRules:
    olympiad = (await get_olympiad(command.olympiad_id, uow)).olympiad
    round_days(olympiad, command.subject_code)
    check_awardees(command.subject_code, command.awardees)
    await store.replace_awardees(
        uow.session,
        command.olympiad_id,
        command.subject_code,
        command.awardees,
        at=uow.clock.now(),
        by=actor.subject,
    )
    await uow.audit(
        actor=actor.subject,
        action="eligibility.previous_awardees_set",
        object_type="olympiad_subject",
        object_id=f"{command.olympiad_id}/{command.subject_code}",
        payload={"count": len(command.awardees)},
    )
    await uow.commit()
    return await get_eligibility(command.olympiad_id, command.subject_code, uow)


async def get_eligibility(
    olympiad_id: uuid.UUID, subject_code: str, uow: UnitOfWork
) -> EligibilityRules:
    olympiad = (await get_olympiad(olympiad_id, uow)).olympiad
    round_days(olympiad, subject_code)
    return await store.eligibility_rules(uow.session, olympiad_id, [subject_code])
