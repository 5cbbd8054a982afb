"""Commands and events of the appeals service, one function each; command handlers own the commit.

Domain refusals (`AppealRuleError`) pass through unchanged: the service renders them as 422
problems. Refusals that depend on the service's state (not found, already decided, not a member)
are raised here as problems directly.
"""

from olymp_appeals.handlers.common import (
    CODE_OF_OUTCOME,
    FILED,
    NOT_REVIEWED,
    OUTCOME_CODES,
    changed_scores,
)
from olymp_appeals.handlers.events import (
    on_subject_grade_checked,
    on_work_rescored,
    on_works_decoded,
)
from olymp_appeals.handlers.review import (
    CastVote,
    DecideAppeal,
    RecordHearing,
    cast_vote,
    decide,
    record_hearing,
)
from olymp_appeals.handlers.setup import (
    FileAppeal,
    SetAppealWindow,
    SetCommission,
    appeals_of,
    register_appeal,
    set_appeal_window,
    set_commission,
)

__all__ = [
    "CODE_OF_OUTCOME",
    "FILED",
    "NOT_REVIEWED",
    "OUTCOME_CODES",
    "CastVote",
    "DecideAppeal",
    "FileAppeal",
    "RecordHearing",
    "SetAppealWindow",
    "SetCommission",
    "appeals_of",
    "cast_vote",
    "changed_scores",
    "decide",
    "on_subject_grade_checked",
    "on_work_rescored",
    "on_works_decoded",
    "record_hearing",
    "register_appeal",
    "set_appeal_window",
    "set_commission",
]
