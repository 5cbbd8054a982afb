"""Events of the publishing service."""

from __future__ import annotations

import uuid

from olymp_core.events.model import Event, event


@event("publishing", "results_published", 1, listeners_optional=True)
class ResultsPublished(Event):
    olympiad_id: uuid.UUID
    subject_code: str
    grade: int
    stage: str
    table_version: int
