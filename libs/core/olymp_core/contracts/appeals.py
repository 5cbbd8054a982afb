"""Events of the appeals service."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum

from olymp_core.events.model import Event, event


class AppealOutcome(StrEnum):
    """The commission's decision on the merits (§112); §110's "not reviewed" is not published."""

    REJECT = "reject"  # отклонить апелляцию, сохранив количество баллов
    RAISE = "raise"  # удовлетворить апелляцию с повышением количества баллов
    LOWER = "lower"  # удовлетворить апелляцию с понижением количества баллов


@event("appeals", "appeal_decided", 1)
class AppealDecided(Event):
    """The commission's decision (§112): `new_task_scores` holds only the tasks it changed.

    The work is named by its code only: scoring must never learn whose work it is.
    """

    appeal_id: uuid.UUID
    olympiad_id: uuid.UUID
    subject_code: str
    grade: int
    work_code: str
    outcome: AppealOutcome
    new_task_scores: dict[str, Decimal]


@event("appeals", "appeals_state", 1)
class AppealsState(Event):
    """Where a subject's appeals stand, whole, after every change: the filing deadline (§96) and
    how many appeals of each grade await the commission's decision. Publishing refuses to approve
    the final results while the window is open or any appeal of that grade is undecided (§121).

    `revision` grows with every statement of the subject; a consumer keeps the highest.
    """

    olympiad_id: uuid.UUID
    subject_code: str
    deadline: dt.datetime
    undecided_by_grade: dict[str, int]  # grade (as text) -> appeals without a decision
    revision: int
