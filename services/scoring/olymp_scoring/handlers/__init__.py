"""Commands, queries and event handlers of the scoring service."""

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

__all__ = [
    "AnnulWork",
    "MarkingResult",
    "RecordMarking",
    "SetScheme",
    "WorkView",
    "annul_work",
    "list_works",
    "on_appeal_decided",
    "on_results_published",
    "on_work_coded",
    "on_work_withdrawn",
    "progress",
    "record_marking",
    "set_scheme",
]
