"""Commands, queries and event handlers of the scoring service."""

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
    set_scheme,
)
from olymp_scoring.handlers.protocols import ProtocolFile, checking_protocol

__all__ = [
    "AnnulWork",
    "CorrectScores",
    "Correction",
    "MarkingResult",
    "ProtocolFile",
    "RecordMarking",
    "SetScheme",
    "WorkView",
    "annul_work",
    "checking_protocol",
    "correct_scores",
    "list_works",
    "on_appeal_decided",
    "on_results_published",
    "on_work_coded",
    "on_work_withdrawn",
    "progress",
    "record_marking",
    "set_scheme",
]
