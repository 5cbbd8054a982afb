"""HTTP models of the scoring service. Points travel as decimal strings ("7.5"), never floats."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from olymp_scoring.domain import AnnulmentReason, WorkStatus
from olymp_scoring.domain.notes import (
    ANNOTATIONS_MAX,
    COMMENT_MAX_CHARS,
    NOTE_MAX_CHARS,
    AnnotationKind,
)


class TaskMax(BaseModel):
    number: int
    max_points: Decimal


class ThresholdIn(BaseModel):
    kind: Literal["points", "share", "share_of_max"]
    value: Decimal


class SchemeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tasks: list[TaskMax] = Field(min_length=1)
    step: Decimal = Decimal("0.5")
    threshold: ThresholdIn
    rule: Literal["third_mark_decides", "mean_of_closest_pair"] = "third_mark_decides"


class SchemeRead(SchemeUpdate):
    pass


class AnnotationWrite(BaseModel):
    """A mark on a scanned page; x, y (and a box's width, height) are shares of the page, from its
    top left corner as scanned."""

    model_config = ConfigDict(extra="forbid")

    page_id: uuid.UUID = Field(description="The page, as coding lists it for the work")
    kind: AnnotationKind
    x: float = Field(ge=0, le=1)
    y: float = Field(ge=0, le=1)
    width: float = Field(0.0, ge=0, le=1, description="A box only")
    height: float = Field(0.0, ge=0, le=1, description="A box only")
    text: str = Field("", max_length=NOTE_MAX_CHARS, description="A box's note or the text")


class AnnotationRead(AnnotationWrite):
    pass


class MarkingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task_scores: dict[int, Decimal] = Field(min_length=1)
    comment: str = Field(
        "", max_length=COMMENT_MAX_CHARS, description="The member's comment on the work"
    )
    annotations: list[AnnotationWrite] = Field(default_factory=list, max_length=ANNOTATIONS_MAX)


class MarkingRead(BaseModel):
    work_code: str
    status: WorkStatus
    status_label: str
    needs_third_mark_tasks: list[int]


class AnnulmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: AnnulmentReason


class CorrectionCreate(BaseModel):
    """A technical error in the jury's protocol (§120): the right points of the tasks concerned."""

    model_config = ConfigDict(extra="forbid")

    task_scores: dict[int, Decimal] = Field(
        min_length=1, description="Task number -> the correct points; other tasks stay."
    )
    reason: str = Field(
        min_length=5,
        max_length=2000,
        description="What was wrong, as the protocol will say (Russian), e.g. «ошибка при"
        " переносе баллов за задание 3 из бланка в протокол».",
    )


class CorrectionRead(BaseModel):
    work_code: str
    changed: bool = Field(description="false: the points were already so (nothing recorded)")
    task_scores_before: dict[str, Decimal]
    task_scores_after: dict[str, Decimal]
    total_before: Decimal
    total_after: Decimal


class AnnulmentRead(BaseModel):
    work_code: str
    status: WorkStatus
    reason: AnnulmentReason
    reason_text: str


class WorkRead(BaseModel):
    work_code: str
    status: WorkStatus
    status_label: str
    needs_third_mark_tasks: list[int]
    my_marks: dict[str, Decimal]
    # the jury chair only
    final_scores: dict[str, Decimal] | None = None
    total: Decimal | None = None
    annulment_reason: AnnulmentReason | None = None
    jury_member_ids: list[str] | None = None


class WorkList(BaseModel):
    works: list[WorkRead]


class ProgressRead(BaseModel):
    works_total: int
    works_checked: int
    works_annulled: int
    all_checked: bool


class ClaimRead(BaseModel):
    """The work the marking queue gave the caller, held for them until `expires_at`."""

    work_code: str
    status: WorkStatus
    status_label: str
    tasks: list[int] = Field(
        description="The tasks to mark: every task, or for a third marking only the open disputed"
        " ones (§73)."
    )
    third_mark: bool
    expires_at: dt.datetime


class HeldClaimRead(BaseModel):
    work_code: str
    expires_at: dt.datetime
    third_mark: bool


class MemberProgressRead(BaseModel):
    jury_member_id: str
    works_marked: int = Field(description="Works the member marked as one of the first two (§69)")
    third_marks: int = Field(description="Works the member marked as the third member (§73)")
    claims: list[HeldClaimRead] = Field(description="Works held for the member now")


class TaskProgressRead(BaseModel):
    task_number: int
    marks: int
    pairs: int = Field(description="Works whose two first members both marked the task")
    disputed: int = Field(description="Of those, pairs differing by more than the threshold")
    discrepancy_rate: Decimal | None = Field(description="disputed / pairs; null before any pair")


class MarkingTotals(BaseModel):
    works_total: int
    works_checked: int
    works_awaiting_marks: int
    works_awaiting_results: int = Field(
        0, description="Works of a subject the testing system checks, its results not imported yet"
    )
    works_needing_third_mark: int
    works_annulled: int
    works_claimed: int = Field(description="Works someone holds an unexpired claim on")


class MarkingProgressRead(BaseModel):
    totals: MarkingTotals
    members: list[MemberProgressRead] = Field(
        description="Every member for the jury chair; a jury member gets their own line only"
    )
    tasks: list[TaskProgressRead] | None = Field(
        description="Per task, for the jury chair; null for a jury member (§69)"
    )


class SubjectGradeRead(BaseModel):
    subject_code: str
    grade: int
    criteria_set: bool = Field(description="The jury chair has set the marking criteria")
    checked_automatically: bool = Field(
        False,
        description="Checked by the testing system (informatics, §67): its points are imported"
        " from the system's results file, the marking queue never hands its works out",
    )
    works_total: int
    works_checked: int = Field(description="Checked or annulled: nothing more to mark")


class SubjectGradeList(BaseModel):
    subject_grades: list[SubjectGradeRead]


class MarkingRoundRead(BaseModel):
    number: int = Field(description="1 and 2: the independent checks (§69); 3: the third (§73)")
    label: str
    jury_member_id: str
    task_scores: dict[str, Decimal]
    comment: str = Field(description="The member's comment on the work; empty if none")
    annotations: list[AnnotationRead] = Field(description="The member's marks on the scans")


class WorkRoundsRead(BaseModel):
    work_code: str
    status: WorkStatus
    disputed_tasks: list[int]
    rounds: list[MarkingRoundRead]


class ResultChangeRead(BaseModel):
    registration_number: str = Field(
        description="The work's code: the participant's registration number (§60)"
    )
    task_scores_before: dict[str, Decimal] | None = Field(
        description="The points imported before; null for the first import of the work"
    )
    task_scores_after: dict[str, Decimal]


class ResultsImportRead(BaseModel):
    """What a testing system's results file changed (§67)."""

    import_id: uuid.UUID | None = Field(
        description="null: the file changed nothing (the same points again), nothing was recorded"
    )
    rows: int = Field(description="Rows read, each a participant")
    changed: list[ResultChangeRead] = Field(
        description="The works whose points the file set or replaced"
    )
    unchanged: int = Field(description="Rows whose points were already so")
    annulled_rows: list[str] = Field(
        description="Registration numbers of annulled works (§53) in the file: passed over"
    )
    ignored_columns: list[str] = Field(
        description="Columns that name neither the participant, a task nor the total"
    )
    progress: ProgressRead
    announced: bool = Field(
        description="This import completed the subject and grade: SubjectGradeChecked was published"
    )


class ResultImportRead(BaseModel):
    import_id: uuid.UUID
    sha256: str
    file_format: str
    file_name: str
    rows: int
    changed: int
    imported_at: dt.datetime
    imported_by: str


class ResultImportList(BaseModel):
    imports: list[ResultImportRead] = Field(
        description="The files that changed points, oldest first"
    )


class RecheckSampleCreate(BaseModel):
    """How many works to draw, and optionally the seed (the service draws one when it is left out)."""

    model_config = ConfigDict(extra="forbid")

    size: int | None = Field(None, ge=1, le=10_000, description="The number of works")
    share: Decimal | None = Field(
        None, gt=0, le=1, description="Or the share of the eligible works, rounded up: 0.1"
    )
    seed: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="The same seed over the same eligible works draws the same sample",
    )

    @model_validator(mode="after")
    def _one_size(self) -> RecheckSampleCreate:
        if (self.size is None) == (self.share is None):
            raise ValueError("укажите размер выборки: число работ (size) или долю работ (share)")
        return self


class RecheckSampleRead(BaseModel):
    sample_id: uuid.UUID
    seed: str
    eligible: int = Field(description="Checked works marked by the jury and not re-checked yet")
    drawn: int
    drawn_at: dt.datetime
    drawn_by: str
    work_codes: list[str] = Field(description="The sample, in the seed's order")


class RecheckRequestCreate(BaseModel):
    """The regional coordinator's request for particular works (§21)."""

    model_config = ConfigDict(extra="forbid")

    work_codes: list[str] = Field(min_length=1, max_length=500)
    reason: str = Field(min_length=5, max_length=2000, description="Why, as the request says it")


class RecheckRequestRead(BaseModel):
    added: list[str]
    already: list[str] = Field(description="Up for re-checking before this request")


class RecheckClaimRead(BaseModel):
    """A work held for the caller's blind re-check: no earlier marks come with it."""

    work_code: str
    tasks: list[int]
    expires_at: dt.datetime


class RecheckMarkingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task_scores: dict[int, Decimal] = Field(min_length=1)


class RecheckMarkingRead(BaseModel):
    work_code: str
    rechecked_at: dt.datetime


class TaskComparisonRead(BaseModel):
    task_number: int
    max_points: Decimal
    official: Decimal = Field(description="The official score (after appeals and corrections)")
    recheck: Decimal | None
    difference: Decimal | None = Field(description="recheck − official")
    significant: bool = Field(description="Beyond the threshold that calls a third member (§73)")


class RecheckRead(BaseModel):
    work_code: str
    origin: Literal["sample", "regional_request"]
    origin_label: str
    requested_by: str
    requested_at: dt.datetime
    reason: str
    state: Literal["awaiting", "rechecked", "annulled"]
    rechecked_by: str | None
    rechecked_at: dt.datetime | None
    tasks: list[TaskComparisonRead] = Field(description="Empty for a work annulled since")
    official_total: Decimal | None
    recheck_total: Decimal | None


class RecheckSampleSummary(BaseModel):
    sample_id: uuid.UUID
    seed: str
    eligible: int
    drawn: int
    drawn_at: dt.datetime
    drawn_by: str


class RecheckTotals(BaseModel):
    works: int
    rechecked: int
    differing: int = Field(description="Rechecked works whose total differs from the official")
    significant: int = Field(description="Rechecked works with a task beyond the threshold")
    mean_absolute_difference: Decimal | None


class RecheckReportRead(BaseModel):
    samples: list[RecheckSampleSummary]
    works: list[RecheckRead]
    totals: RecheckTotals
