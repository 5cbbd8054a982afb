"""Commands, queries and event handlers of the appeals service, one function each.

A command handler takes `(command, uow, actor)` and owns the commit; an event handler `on_<event>`
never commits (the consumer does, with the inbox row). Every refusal is a domain error
(`domain.errors`), rendered by the service as `api.ERRORS` maps it.
"""

from olymp_appeals.handlers.common import CODE_OF_OUTCOME, changed_scores, outcome_code
from olymp_appeals.handlers.events import (
    on_olympiad_created,
    on_participant_registered,
    on_subject_grade_checked,
    on_work_rescored,
    on_works_decoded,
)
from olymp_appeals.handlers.participant import (
    ParticipantSubject,
    ParticipantView,
    participant_view,
)
from olymp_appeals.handlers.protocol import ProtocolCopy, protocol_copy
from olymp_appeals.handlers.review import (
    CastVote,
    DecideAppeal,
    RecordHearing,
    cast_vote,
    decide,
    record_hearing,
)
from olymp_appeals.handlers.session import HearingView, hearing_view
from olymp_appeals.handlers.setup import (
    AppealWindow,
    FileAppeal,
    SetCommission,
    SetShowSchedule,
    appeals_of,
    public_schedule,
    register_appeal,
    set_commission,
    set_show_schedule,
)

__all__ = [
    "CODE_OF_OUTCOME",
    "AppealWindow",
    "CastVote",
    "DecideAppeal",
    "FileAppeal",
    "HearingView",
    "ParticipantSubject",
    "ParticipantView",
    "ProtocolCopy",
    "RecordHearing",
    "SetCommission",
    "SetShowSchedule",
    "appeals_of",
    "cast_vote",
    "changed_scores",
    "decide",
    "hearing_view",
    "on_olympiad_created",
    "on_participant_registered",
    "on_subject_grade_checked",
    "on_work_rescored",
    "on_works_decoded",
    "outcome_code",
    "participant_view",
    "protocol_copy",
    "public_schedule",
    "record_hearing",
    "register_appeal",
    "set_commission",
    "set_show_schedule",
]
