"""Withdrawing an application before the round: the participant will not sit the subject, so
their desk is freed and a reseat seats nobody in it. On the round day an absence is marked at
check-in instead (§36), and a removal needs an act (§53)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from olymp_registration.domain.errors import WithdrawalRefused
from olymp_registration.domain.text import clean_text

REASON_MAX_LENGTH: Final = 1000


@dataclass(frozen=True)
class Withdrawal:
    reason: str
    withdrawn_at: dt.datetime
    withdrawn_by: str


def withdraw(
    earlier: Withdrawal | None,
    *,
    full_name: str,
    reason: str,
    today: dt.date,
    round_day: dt.date,
    at: dt.datetime,
    by: str,
) -> Withdrawal:
    """The withdrawal to record; the same one sent again returns the one on file."""
    reason = clean_text(reason)
    if not reason:
        raise WithdrawalRefused(
            f"{full_name}: укажите причину отзыва заявки, например «заявление родителей "
            "(законных представителей)» или «болезнь»."
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise WithdrawalRefused(
            f"Причина отзыва заявки длиннее {REASON_MAX_LENGTH} символов: сократите её."
        )
    if earlier is not None:
        if earlier.reason == reason:
            return earlier
        raise WithdrawalRefused(
            f"Заявка участника {full_name} уже отозвана "
            f"{earlier.withdrawn_at:%d.%m.%Y} (причина: «{earlier.reason}»)."
        )
    if today >= round_day:
        raise WithdrawalRefused(
            f"Заявку участника {full_name} можно отозвать до дня тура ({round_day:%d.%m.%Y}); "
            "в день тура неявка отмечается при регистрации участников (§36)."
        )
    return Withdrawal(reason, at, by)
