"""The pure rules of registration: olympiads, participants, the application import, check-in.

Nothing here touches a database, a broker or the network; handlers call these and own the I/O.
"""

from olymp_registration.domain.checkin import (
    Attendance,
    DayMark,
    Removal,
    SubjectAttendance,
    check_in,
    mark_absent,
    new_attendance,
    remove,
)
from olymp_registration.domain.errors import (
    CheckInRefused,
    InvalidOlympiad,
    InvalidParticipant,
    RegistrationError,
)
from olymp_registration.domain.importing import (
    COLUMNS,
    Column,
    ImportedRow,
    ImportProblem,
    ImportReport,
    ProblemKind,
    parse_participants_csv,
    parse_participants_xlsx,
)
from olymp_registration.domain.olympiad import (
    Olympiad,
    Room,
    RoundSlot,
    SubjectSchedule,
    Venue,
    parse_school_year,
)
from olymp_registration.domain.participant import (
    EligibilityBasis,
    Participant,
    parse_eligibility,
)
from olymp_registration.domain.text import clean_text, comparison_key

__all__ = [
    "COLUMNS",
    "Attendance",
    "CheckInRefused",
    "Column",
    "DayMark",
    "EligibilityBasis",
    "ImportProblem",
    "ImportReport",
    "ImportedRow",
    "InvalidOlympiad",
    "InvalidParticipant",
    "Olympiad",
    "Participant",
    "ProblemKind",
    "RegistrationError",
    "Removal",
    "Room",
    "RoundSlot",
    "SubjectAttendance",
    "SubjectSchedule",
    "Venue",
    "check_in",
    "clean_text",
    "comparison_key",
    "mark_absent",
    "new_attendance",
    "parse_eligibility",
    "parse_participants_csv",
    "parse_participants_xlsx",
    "parse_school_year",
    "remove",
]
