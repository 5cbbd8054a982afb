"""HTTP models of the scoring service. Points travel as decimal strings ("7.5"), never floats."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from olymp_scoring.domain import AnnulmentReason, WorkStatus


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


class MarkingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task_scores: dict[int, Decimal] = Field(min_length=1)


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
