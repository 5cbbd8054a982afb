"""Events of the coding service. None of them pairs a code with a person except `WorksDecoded`."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from olymp_core.events.model import Event, event


@event("coding", "work_coded", 1)
class WorkCoded(Event):
    """A present participant's work got its code; scoring creates the (anonymous) work."""

    olympiad_id: uuid.UUID
    work_code: str
    subject_code: str
    task_grade: int


@event("coding", "work_withdrawn", 1)
class WorkWithdrawn(Event):
    """The participant was removed (§53): scoring annuls the work with this reason."""

    olympiad_id: uuid.UUID
    work_code: str
    reason: str


class DecodedWork(BaseModel):
    model_config = ConfigDict(frozen=True)

    work_code: str
    participant_id: uuid.UUID


@event("coding", "works_decoded", 1)
class WorksDecoded(Event):
    """Every work of a subject and grade was checked, so the codes were opened (§61, §65)."""

    olympiad_id: uuid.UUID
    subject_code: str
    grade: int
    works: tuple[DecodedWork, ...]


@event("coding", "page_scanned", 1, listeners_optional=True)
class PageScanned(Event):
    """An answer page was scanned and routed to its work (title pages never produce this event).

    Carries no object key: the jury reaches the page through coding's short-lived links only.
    """

    olympiad_id: uuid.UUID
    work_code: str
    subject_code: str
    page_id: uuid.UUID
    sheet: int | None
