"""Commands, queries and event handlers of the scoring service."""

from olymp_scoring.handlers.claims import (
    Claim,
    ClaimNext,
    MarkingProgress,
    ReleaseClaim,
    claim_next,
    marking_progress,
    release_claim,
)
from olymp_scoring.handlers.correction import Correction, CorrectScores, correct_scores
from olymp_scoring.handlers.events import (
    on_appeal_decided,
    on_results_published,
    on_work_coded,
    on_work_withdrawn,
)
from olymp_scoring.handlers.marking import (
    AnnulWork,
    MarkingResult,
    RecordMarking,
    SetScheme,
    WorkView,
    annul_work,
    list_works,
    progress,
    record_marking,
    required_scheme,
    set_scheme,
    subject_grades,
    work_rounds,
)
from olymp_scoring.handlers.protocols import ProtocolFile, checking_protocol
from olymp_scoring.handlers.results_import import (
    ImportResults,
    ResultsImported,
    import_results,
    result_imports,
)

__all__ = [
    "AnnulWork",
    "Claim",
    "ClaimNext",
    "CorrectScores",
    "Correction",
    "ImportResults",
    "MarkingProgress",
    "MarkingResult",
    "ProtocolFile",
    "RecordMarking",
    "ReleaseClaim",
    "ResultsImported",
    "SetScheme",
    "WorkView",
    "annul_work",
    "checking_protocol",
    "claim_next",
    "correct_scores",
    "import_results",
    "list_works",
    "marking_progress",
    "on_appeal_decided",
    "on_results_published",
    "on_work_coded",
    "on_work_withdrawn",
    "progress",
    "record_marking",
    "release_claim",
    "required_scheme",
    "result_imports",
    "set_scheme",
    "subject_grades",
    "work_rounds",
]
