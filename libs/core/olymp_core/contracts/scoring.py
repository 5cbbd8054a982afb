"""Events of the scoring service; works are known by code only."""

from __future__ import annotations

import uuid
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from olymp_core.events.model import Event, event


class ScoredWork(BaseModel):
    model_config = ConfigDict(frozen=True)

    work_code: str
    task_scores: dict[str, Decimal]
    total: Decimal | None
    max_total: Decimal
    annulled: bool = False
    annulment_reason: str | None = None


class ScoreCorrection(BaseModel):
    """A technical error in the jury's protocol corrected (§120): which work, why, by whom."""

    model_config = ConfigDict(frozen=True)

    work_code: str
    reason: str
    corrected_by: str


@event("scoring", "subject_grade_checked", 1)
class SubjectGradeChecked(Event):
    """Every work of a subject and grade is checked or annulled: coding may decode (§61)."""

    olympiad_id: uuid.UUID
    subject_code: str
    grade: int
    task_max: dict[str, Decimal]
    works: tuple[ScoredWork, ...]
    # Orders this statement among the subject and grade's result changes (announcements and
    # appeal rescorings): a consumer keeps, per work, what the highest revision said. 0: unknown.
    revision: int = 0
    # Set when this statement was made for a correction (§120): published final results are
    # published again with it, as a new version that names the reason.
    correction: ScoreCorrection | None = None


@event("scoring", "work_rescored", 1)
class WorkRescored(Event):
    """An appeal decision changed a work's task scores (§112, §116)."""

    olympiad_id: uuid.UUID
    subject_code: str
    grade: int
    appeal_id: uuid.UUID
    work: ScoredWork
    revision: int = 0  # as SubjectGradeChecked.revision: one sequence per subject and grade


@event("scoring", "recheck_requested", 1)
class RecheckRequested(Event):
    """The regional coordinator asked for works to be re-checked (§21): coding lets them open
    those works' answer pages through its short-lived page links. Codes only, as ever."""

    olympiad_id: uuid.UUID
    subject_code: str
    grade: int
    work_codes: tuple[str, ...]
    requested_by: str
