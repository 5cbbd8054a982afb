"""The organiser's admission rules (§10): thresholds per subject and grade, last year's awardees."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_registration.domain import AwardStatus, EligibilityRules, PreviousAwardee
from olymp_registration.store.tables import eligibility_thresholds, previous_awardees


async def eligibility_rules(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_codes: Iterable[str]
) -> EligibilityRules:
    codes = sorted(set(subject_codes))
    thresholds = {
        (r.subject_code, r.grade): r.min_score
        for r in await session.execute(
            sa.select(eligibility_thresholds).where(
                eligibility_thresholds.c.olympiad_id == olympiad_id,
                eligibility_thresholds.c.subject_code.in_(codes),
            )
        )
    }
    awardees: dict[str, list[PreviousAwardee]] = {}
    for r in await session.execute(
        sa.select(previous_awardees)
        .where(
            previous_awardees.c.olympiad_id == olympiad_id,
            previous_awardees.c.subject_code.in_(codes),
        )
        .order_by(previous_awardees.c.subject_code, previous_awardees.c.position)
    ):
        awardees.setdefault(r.subject_code, []).append(
            PreviousAwardee(
                r.surname, r.name, r.patronymic, r.grade, r.school, AwardStatus(r.status)
            )
        )
    return EligibilityRules(thresholds, {code: tuple(found) for code, found in awardees.items()})


async def replace_thresholds(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    subject_code: str,
    thresholds: Mapping[int, Decimal],
    *,
    at: dt.datetime,
    by: str,
) -> None:
    await session.execute(
        sa.delete(eligibility_thresholds).where(
            eligibility_thresholds.c.olympiad_id == olympiad_id,
            eligibility_thresholds.c.subject_code == subject_code,
        )
    )
    if thresholds:
        await session.execute(
            sa.insert(eligibility_thresholds),
            [
                {
                    "olympiad_id": olympiad_id,
                    "subject_code": subject_code,
                    "grade": grade,
                    "min_score": score,
                    "set_at": at,
                    "set_by": by,
                }
                for grade, score in sorted(thresholds.items())
            ],
        )


async def replace_awardees(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    subject_code: str,
    awardees: Sequence[PreviousAwardee],
    *,
    at: dt.datetime,
    by: str,
) -> None:
    await session.execute(
        sa.delete(previous_awardees).where(
            previous_awardees.c.olympiad_id == olympiad_id,
            previous_awardees.c.subject_code == subject_code,
        )
    )
    if awardees:
        await session.execute(
            sa.insert(previous_awardees),
            [
                {
                    "olympiad_id": olympiad_id,
                    "subject_code": subject_code,
                    "position": position,
                    "surname": a.surname,
                    "name": a.name,
                    "patronymic": a.patronymic,
                    "grade": a.grade,
                    "school": a.school,
                    "status": a.status.value,
                    "listed_at": at,
                    "listed_by": by,
                }
                for position, a in enumerate(awardees)
            ],
        )
