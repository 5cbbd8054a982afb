"""Events of the appeals service."""

from __future__ import annotations

import uuid
from decimal import Decimal

from olymp_core.events.model import Event, event


@event("appeals", "appeal_decided", 1)
class AppealDecided(Event):
    """The commission's decision (§112): `new_task_scores` holds only the tasks it changed."""

    appeal_id: uuid.UUID
    olympiad_id: uuid.UUID
    subject_code: str
    grade: int
    participant_id: uuid.UUID
    work_code: str
    outcome: str
    new_task_scores: dict[str, Decimal]
