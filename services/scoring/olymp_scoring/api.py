"""HTTP API of the scoring service: criteria, marks, annulment, progress."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from olymp_core.auth import Principal, Role, ScopeKind, ScopeRule, authorize
from olymp_core.db import UnitOfWorkFactory
from olymp_core.problems import Problem
from olymp_scoring import handlers
from olymp_scoring.domain import (
    CheckingPolicy,
    DiscrepancyThreshold,
    MarkingScheme,
    ScoringError,
    ThresholdKind,
    scoring_rule,
)
from olymp_scoring.handlers import WorkView
from olymp_scoring.schemas import (
    AnnulmentCreate,
    AnnulmentRead,
    MarkingCreate,
    MarkingRead,
    ProgressRead,
    SchemeRead,
    SchemeUpdate,
    WorkList,
    WorkRead,
)
from olymp_scoring.store import StoredScheme, SubjectGradeKey

router = APIRouter(prefix="/olympiads/{olympiad_id}", tags=["scoring"])

_SUBJECT = ScopeRule(ScopeKind.SUBJECT, "subject_code")
Chair = Annotated[Principal, Depends(authorize(Role.JURY_CHAIR, scope=_SUBJECT))]
ChairOnly = Annotated[Principal, Depends(authorize(Role.JURY_CHAIR))]
Jury = Annotated[Principal, Depends(authorize(Role.JURY_MEMBER, Role.JURY_CHAIR, scope=_SUBJECT))]
JuryAnyWork = Annotated[Principal, Depends(authorize(Role.JURY_MEMBER, Role.JURY_CHAIR))]
Watchers = Annotated[
    Principal,
    Depends(authorize(Role.JURY_CHAIR, Role.CODING_OFFICER, Role.OBSERVER, scope=_SUBJECT)),
]

_THRESHOLD_KINDS = {
    "points": ThresholdKind.POINTS,
    "share": ThresholdKind.SHARE_OF_MAX,
    "share_of_max": ThresholdKind.SHARE_OF_MAX,
}


def _uows(request: Request) -> UnitOfWorkFactory:
    uows: UnitOfWorkFactory = request.app.state.runtime.uows
    return uows


Uows = Annotated[UnitOfWorkFactory, Depends(_uows)]


@router.put(
    "/subjects/{subject_code}/grades/{grade}/scheme",
    summary="Set the marking criteria of a subject and grade (before checking starts)",
)
async def put_scheme(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: int,
    body: SchemeUpdate,
    who: Chair,
    uows: Uows,
) -> SchemeRead:
    try:
        scheme = MarkingScheme.of(((t.number, t.max_points) for t in body.tasks), body.step)
        threshold = DiscrepancyThreshold(
            _THRESHOLD_KINDS[body.threshold.kind], body.threshold.value
        )
        stored = StoredScheme(scheme, CheckingPolicy(threshold, scoring_rule(body.rule)))
    except ScoringError as error:
        raise Problem(str(error), status=422, type_="invalid-scheme") from error
    key = SubjectGradeKey(olympiad_id, subject_code, grade)
    await handlers.set_scheme(uows, who, key, stored)
    return SchemeRead.model_validate(stored.to_json())


@router.get(
    "/subjects/{subject_code}/grades/{grade}/works",
    summary="Coded works of a subject and grade; a jury member sees only their own marks",
)
async def get_works(
    olympiad_id: uuid.UUID, subject_code: str, grade: int, who: Jury, uows: Uows
) -> WorkList:
    views = await handlers.list_works(uows, who, SubjectGradeKey(olympiad_id, subject_code, grade))
    return WorkList(works=[_work_read(view) for view in views])


@router.post("/works/{work_code}/marks", summary="Record one jury member's marks of a work")
async def post_marks(
    olympiad_id: uuid.UUID, work_code: str, body: MarkingCreate, who: JuryAnyWork, uows: Uows
) -> MarkingRead:
    result = await handlers.record_marking(uows, who, olympiad_id, work_code, body.task_scores)
    return MarkingRead(
        work_code=result.work_code,
        status=result.status,
        status_label=result.status.label,
        needs_third_mark_tasks=list(result.needs_third_mark_tasks),
    )


@router.post("/works/{work_code}/annulment", summary="Annul a work, with the reason")
async def post_annulment(
    olympiad_id: uuid.UUID, work_code: str, body: AnnulmentCreate, who: ChairOnly, uows: Uows
) -> AnnulmentRead:
    status = await handlers.annul_work(uows, who, olympiad_id, work_code, body.reason)
    return AnnulmentRead(
        work_code=work_code, status=status, reason=body.reason, reason_text=body.reason.text
    )


@router.get(
    "/subjects/{subject_code}/grades/{grade}/progress",
    summary="How many works are checked; decoding waits for all_checked (§61)",
)
async def get_progress(
    olympiad_id: uuid.UUID, subject_code: str, grade: int, who: Watchers, uows: Uows
) -> ProgressRead:
    found = await handlers.progress(uows, SubjectGradeKey(olympiad_id, subject_code, grade))
    return ProgressRead(
        works_total=found.total,
        works_checked=found.checked,
        works_annulled=found.annulled,
        all_checked=found.all_checked,
    )


def _points(scores: dict[int, Decimal] | None) -> dict[str, Decimal] | None:
    return None if scores is None else {str(n): p for n, p in sorted(scores.items())}


def _work_read(view: WorkView) -> WorkRead:
    return WorkRead(
        work_code=view.work_code,
        status=view.status,
        status_label=view.status.label,
        needs_third_mark_tasks=list(view.needs_third_mark_tasks),
        my_marks=_points(view.my_marks) or {},
        final_scores=_points(view.final_scores),
        total=view.total,
        annulment_reason=view.annulment_reason,
        jury_member_ids=list(view.jury_member_ids) if view.jury_member_ids else None,
    )
