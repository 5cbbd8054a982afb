"""The rules of the venue's count of works (§141) and the refusals of this package.

After the round the room's organisers collect the works, count them and compare the number with
the participants in the room: those checked in present that day, seated in the room, and not
removed (a removed participant's work is annulled, §53). A count that differs is accepted only
with an explanation, which the orgcommittee reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from olymp_registration.domain import RegistrationError, clean_text
from olymp_registration.seating.domain.messages import participants, plural

EXPLANATION_MAX_LENGTH: Final = 2000


class WorksCountRefused(RegistrationError):
    title = "Число работ не принято"


class RemovalActNotFound(RegistrationError):
    title = "Акта об удалении нет"


@dataclass(frozen=True)
class RoomTally:
    """One room's count: who is in it by the check-in, and what the organisers handed over."""

    room: str
    present: int
    """checked in present that day, seated in the room, not removed"""
    removed: int
    works: int | None = None
    explanation: str = ""
    counted_at: dt.datetime | None = None
    counted_by: str = ""

    @property
    def counted(self) -> bool:
        return self.works is not None

    @property
    def mismatch(self) -> int:
        """works handed over minus participants present; 0 before the count."""
        return 0 if self.works is None else self.works - self.present


def works(count: int) -> str:
    return plural(count, "работа", "работы", "работ")


def accept_count(room: str, handed: int, present: int, explanation: str) -> str:
    """The explanation to keep with the count; refused when the numbers differ without one."""
    explanation = clean_text(explanation)
    if handed < 0:
        raise WorksCountRefused(
            f"Число работ в аудитории «{room}» отрицательное ({handed}): впишите, сколько работ "
            "собрано, числом от 0."
        )
    if len(explanation) > EXPLANATION_MAX_LENGTH:
        raise WorksCountRefused(
            f"Объяснение длиннее {EXPLANATION_MAX_LENGTH} символов: сократите его."
        )
    if handed != present and not explanation:
        more_or_less = "больше" if handed > present else "меньше"
        raise WorksCountRefused(
            f"В аудитории «{room}» собрано {works(handed)}, а присутствуют "
            f"{participants(present)} (явились и не удалены): работ на "
            f"{abs(handed - present)} {more_or_less}. Пересчитайте работы и сверьте со списком "
            "аудитории (§141); если число верно, объясните расхождение в поле «Объяснение "
            "расхождения» и сохраните снова."
        )
    return explanation
