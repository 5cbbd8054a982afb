"""Pure rules of the appeals service: the filing deadline, the commission, its votes and decisions.

No I/O here: the service loads appeals, ballots and the calendar, and records what comes out.
"""

from olymp_appeals.domain.calendar import (
    RUSSIA_2025,
    RUSSIA_2026,
    WorkingDayCalendar,
    YearCalendar,
    russian_calendar,
)
from olymp_appeals.domain.commission import Commission
from olymp_appeals.domain.deadline import LEGAL_WORKING_DAYS, appeal_deadline
from olymp_appeals.domain.decision import (
    AppealDecision,
    Attendance,
    Resolution,
    check_motion,
    check_vote_allowed,
    decide_appeal,
    reviewed_on_merits,
)
from olymp_appeals.domain.errors import (
    AlreadyFiled,
    AppealNotFound,
    AppealRuleError,
    AttendanceNotRecorded,
    CommissionFrozen,
    CommissionNotSet,
    DecisionFinal,
    HearingAfterVoting,
    NotDecidedYet,
    OlympiadUnknown,
    WindowNotSet,
    WorkNotAppealable,
)
from olymp_appeals.domain.filing import Appeal, TaskScore, WorkScores, file_appeal
from olymp_appeals.domain.schedule import Procedure, ShowSchedule
from olymp_appeals.domain.voting import Ballot, Motion, Outcome, VoteTally, count_votes

__all__ = [
    "LEGAL_WORKING_DAYS",
    "RUSSIA_2025",
    "RUSSIA_2026",
    "AlreadyFiled",
    "Appeal",
    "AppealDecision",
    "AppealNotFound",
    "AppealRuleError",
    "Attendance",
    "AttendanceNotRecorded",
    "Ballot",
    "Commission",
    "CommissionFrozen",
    "CommissionNotSet",
    "DecisionFinal",
    "HearingAfterVoting",
    "Motion",
    "NotDecidedYet",
    "OlympiadUnknown",
    "Outcome",
    "Procedure",
    "Resolution",
    "ShowSchedule",
    "TaskScore",
    "VoteTally",
    "WindowNotSet",
    "WorkNotAppealable",
    "WorkScores",
    "WorkingDayCalendar",
    "YearCalendar",
    "appeal_deadline",
    "check_motion",
    "check_vote_allowed",
    "count_votes",
    "decide_appeal",
    "file_appeal",
    "reviewed_on_merits",
    "russian_calendar",
]
