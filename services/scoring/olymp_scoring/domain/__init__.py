"""Pure rules of the scoring service: marks, discrepancies, final scores, annulment, appeals.

Nothing here does I/O; handlers load and store what these functions take and return.
"""

from olymp_scoring.domain.appeals import AppealDecision, AppealOutcome, AppealResult, apply_appeal
from olymp_scoring.domain.claims import free_hands, may_take
from olymp_scoring.domain.discrepancy import DiscrepancyThreshold, ThresholdKind
from olymp_scoring.domain.errors import ScoringError
from olymp_scoring.domain.marking_scheme import (
    DEFAULT_STEP,
    MarkingScheme,
    TaskSpec,
    plain,
    round_half_up_to_step,
)
from olymp_scoring.domain.progress import SubjectGradeProgress
from olymp_scoring.domain.rules import (
    DEFAULT_RULE,
    MeanOfClosestPair,
    ScoringRule,
    ThirdMarkDecides,
    scoring_rule,
)
from olymp_scoring.domain.work import (
    AnnulmentReason,
    CheckingPolicy,
    Mark,
    WorkSheet,
    WorkStatus,
)

__all__ = [
    "DEFAULT_RULE",
    "DEFAULT_STEP",
    "AnnulmentReason",
    "AppealDecision",
    "AppealOutcome",
    "AppealResult",
    "CheckingPolicy",
    "DiscrepancyThreshold",
    "Mark",
    "MarkingScheme",
    "MeanOfClosestPair",
    "ScoringError",
    "ScoringRule",
    "SubjectGradeProgress",
    "TaskSpec",
    "ThirdMarkDecides",
    "ThresholdKind",
    "WorkSheet",
    "WorkStatus",
    "apply_appeal",
    "free_hands",
    "may_take",
    "plain",
    "round_half_up_to_step",
    "scoring_rule",
]
