"""HTTP API of the scoring service: criteria, the marking queue, marks, annulment, progress, the
testing system's results, re-checking. One router per concern; `ERRORS` maps every refusal to its status."""

from __future__ import annotations

from fastapi import APIRouter

from olymp_core.errors import ErrorMap
from olymp_scoring.api import checking, rechecking, testing_results
from olymp_scoring.domain.errors import (
    AlreadyAnnulled,
    ClaimedByOthers,
    ClaimsBusy,
    CriteriaLocked,
    CriteriaMissing,
    InvalidMarks,
    InvalidScheme,
    MarkingRefused,
    RecheckRefused,
    ResultsFinal,
    ResultsImportRefused,
    ScoringError,
    WorkNotFound,
)
from olymp_scoring.domain.testing_results import ResultsFileRejected

router = APIRouter()
router.include_router(checking.router)
router.include_router(testing_results.router)
router.include_router(rechecking.router)

ERRORS: ErrorMap = {
    ScoringError: 422,
    WorkNotFound: 404,
    InvalidScheme: 422,
    InvalidMarks: 422,
    MarkingRefused: 409,
    ClaimedByOthers: 409,
    ClaimsBusy: 409,
    CriteriaMissing: 409,
    CriteriaLocked: 409,
    AlreadyAnnulled: 409,
    ResultsFinal: 409,
    ResultsImportRefused: 409,
    ResultsFileRejected: 422,
    RecheckRefused: 409,
}


__all__ = ["ERRORS", "router"]
